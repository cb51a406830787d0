package fakecoder

import (
	"crypto/rand"
	"net/http"
	"strings"
	"time"
)

// maxTokenLifetime is the fake deployment's --max-token-lifetime.
const maxTokenLifetime = 7 * 24 * time.Hour

// mintedRec is a token minted through POST /users/{user}/keys/tokens.
type mintedRec struct {
	MintedToken
}

// MintedToken is a token the fake minted.
type MintedToken struct {
	// User is the username the token acts as.
	User string
	// Key is the whole session token, "{id}-{secret}".
	Key string
	// ID is the key id (before the dash).
	ID   string
	Name string
	// ExpiresAt is when it lapses; Expired is set by the expire endpoint.
	ExpiresAt time.Time
	Expired   bool
}

// handleMe serves GET /api/v2/users/me: the token's user.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, callerOf(r))
}

// handleOrganization serves GET /api/v2/organizations/{org} by name or id.
func (s *Server) handleOrganization(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("org")
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, id := range s.orgs {
		if name == org || id == org {
			s.writeJSON(w, http.StatusOK, map[string]any{"id": id, "name": name, "display_name": name, "is_default": name == "default"})
			return
		}
	}
	s.notFound(w)
}

// handleMintToken serves POST /api/v2/users/{user}/keys/tokens. Only the
// admin may mint for another user; lifetimes are checked against the
// deployment's maximum; names are unique per user.
func (s *Server) handleMintToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Lifetime  *int64 `json:"lifetime"`
		TokenName string `json:"token_name"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	caller := callerOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	target := s.pathUser(r)
	if target == nil {
		s.notFound(w)
		return
	}
	if !s.isAdmin(caller) && target.ID != caller.ID {
		s.writeError(w, http.StatusForbidden, errorResponse{Message: "Forbidden.", Detail: "You do not have permission to create tokens for other users."})
		return
	}
	lifetime := 24 * time.Hour
	if body.Lifetime != nil {
		lifetime = time.Duration(*body.Lifetime)
	}
	if lifetime <= 0 || lifetime > maxTokenLifetime {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Failed to validate create API key request.", Detail: "lifetime must be positive and at most " + maxTokenLifetime.String()})
		return
	}
	for _, m := range s.minted {
		if m.User == target.Username && m.Name == body.TokenName && body.TokenName != "" {
			s.writeError(w, http.StatusConflict, errorResponse{Message: "A token with that name already exists."})
			return
		}
	}
	id, secret := randomAlnum(10), randomAlnum(22)
	m := &mintedRec{MintedToken{User: target.Username, Key: id + "-" + secret, ID: id, Name: body.TokenName, ExpiresAt: time.Now().Add(lifetime)}}
	s.minted = append(s.minted, m)
	s.writeJSON(w, http.StatusCreated, map[string]string{"key": m.Key})
}

// handleExpireToken serves PUT /api/v2/users/{user}/keys/{id}/expire.
func (s *Server) handleExpireToken(w http.ResponseWriter, r *http.Request) {
	caller := callerOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.minted {
		if m.ID == r.PathValue("id") && strings.EqualFold(m.User, r.PathValue("user")) {
			if !s.isAdmin(caller) && !strings.EqualFold(caller.Username, m.User) {
				s.writeError(w, http.StatusForbidden, errorResponse{Message: "Forbidden."})
				return
			}
			m.Expired = true
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.notFound(w)
}

// Minted returns every token minted through the API, expired ones too.
func (s *Server) Minted() []MintedToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MintedToken, len(s.minted))
	for i, m := range s.minted {
		out[i] = m.MintedToken
	}
	return out
}

// ExpireAllTokens expires every minted token, as an admin might.
func (s *Server) ExpireAllTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.minted {
		m.Expired = true
	}
}

// randomAlnum is n random letters and digits (cryptorand.String's alphabet).
func randomAlnum(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	// crypto/rand.Read never returns an error (it crashes the program instead).
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

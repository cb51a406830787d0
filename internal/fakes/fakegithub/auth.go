package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jwtSkew is how far in the future an App JWT's "iat" may be.
const jwtSkew = 60 * time.Second

// tokenLifetime is how long a minted installation token is valid (GitHub: one hour).
const tokenLifetime = time.Hour

// credential splits an Authorization header into its token, accepting the
// "token" and "Bearer" schemes.
func credential(h string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return ""
	}
	switch strings.ToLower(scheme) {
	case "token", "bearer":
		return strings.TrimSpace(tok)
	}
	return ""
}

// authKind names the kind of credential a request carries, never the credential.
func authKind(h string) string {
	tok := credential(h)
	switch {
	case tok == "":
		return "none"
	case strings.Count(tok, ".") == 2:
		return "app-jwt"
	default:
		return "installation"
	}
}

// authorize checks the request's credential for mode; the reply is the
// answer to send when it is refused.
func (s *Server) authorize(mode authMode, r *http.Request) (reply, bool) {
	tok := credential(r.Header.Get("Authorization"))
	switch mode {
	case authApp:
		if err := verifyJWT(tok, s.opts.PublicKey, s.opts.AppID, time.Now()); err != nil {
			s.log.Debug("fakegithub: app JWT refused", "reason", err.Error())
			return errorReply(http.StatusUnauthorized, "A JSON web token could not be decoded"), false
		}
	case authInstallation:
		s.mu.Lock()
		t, ok := s.st.tokens[tok]
		s.mu.Unlock()
		if tok == "" || !ok || time.Now().After(t.expires) {
			return errorReply(http.StatusUnauthorized, "Bad credentials"), false
		}
	}
	return reply{}, true
}

// verifyJWT checks an App JWT: RS256 signed by pub, "iss" equal to appID,
// not expired, issued no later than now plus a minute of skew, and living at
// most ten minutes. A nil pub only checks that the token has three parts.
func verifyJWT(tok string, pub *rsa.PublicKey, appID int64, now time.Time) error {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	if pub == nil {
		return nil
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if hdr.Alg != "RS256" {
		return fmt.Errorf("alg %q, want RS256", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("signature encoding: %w", err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("bad signature")
	}
	var claims struct {
		Iss any     `json:"iss"`
		Iat float64 `json:"iat"`
		Exp float64 `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	var iss string
	switch v := claims.Iss.(type) {
	case string:
		iss = v
	case float64:
		iss = strconv.FormatInt(int64(v), 10)
	}
	if iss != strconv.FormatInt(appID, 10) {
		return fmt.Errorf("iss %q, want %d", iss, appID)
	}
	iat := time.Unix(int64(claims.Iat), 0)
	exp := time.Unix(int64(claims.Exp), 0)
	switch {
	case claims.Exp == 0 || !now.Before(exp):
		return errors.New("expired")
	case claims.Iat == 0 || iat.After(now.Add(jwtSkew)):
		return errors.New("issued in the future")
	case exp.Sub(iat) > 10*time.Minute:
		return errors.New("lifetime over ten minutes")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// newSecret returns prefix plus 36 random hex characters.
func newSecret(prefix string) string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("fakegithub: crypto/rand: %v", err)) // crypto/rand never fails on supported platforms
	}
	return prefix + hex.EncodeToString(b)
}

// ExpireTokens invalidates every installation token minted so far, so the
// next call must mint a new one.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.tokens = map[string]token{}
}

package coder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Token lifetimes of minted tokens.
const (
	// DefaultTokenLifetime is how long a minted token is valid.
	DefaultTokenLifetime = time.Hour
	// tokenRenewBefore is how long before expiry a token is replaced.
	tokenRenewBefore = 5 * time.Minute
	// expireTimeout bounds expiring a token no longer needed.
	expireTimeout = 10 * time.Second
)

// tokenCache mints a short-lived token per Coder user with the client's
// (admin) token and reuses it until shortly before it expires. Tokens live
// in this process's memory only: refs, activity inputs and results, errors
// and logs never hold one. Safe for concurrent use.
type tokenCache struct {
	c        *Client
	lifetime time.Duration
	logger   *slog.Logger
	// now is the clock (time.Now; tests move it).
	now func() time.Time

	mu    sync.Mutex
	users map[string]*userToken
}

// userToken is one user's current token; its mutex makes concurrent
// callers for the same user wait for one mint instead of minting several.
type userToken struct {
	mu  sync.Mutex
	tok MintedToken
}

func newTokenCache(c *Client, lifetime time.Duration, logger *slog.Logger) *tokenCache {
	if lifetime <= tokenRenewBefore {
		lifetime = DefaultTokenLifetime
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &tokenCache{c: c, lifetime: lifetime, logger: logger, now: time.Now, users: map[string]*userToken{}}
}

// get returns a token for user that stays valid for a while yet.
func (tc *tokenCache) get(ctx context.Context, user string) (string, error) {
	tc.mu.Lock()
	ut := tc.users[user]
	if ut == nil {
		ut = &userToken{}
		tc.users[user] = ut
	}
	tc.mu.Unlock()

	ut.mu.Lock()
	defer ut.mu.Unlock()
	if ut.tok.Key != "" && ut.tok.Expires.Sub(tc.now()) > tokenRenewBefore {
		return ut.tok.Key, nil
	}
	tok, err := tc.c.CreateToken(ctx, user, tokenName(), tc.lifetime)
	if IsStatus(err, http.StatusForbidden) || IsStatus(err, http.StatusUnauthorized) {
		return "", fmt.Errorf("%w (CODER_TOKEN must belong to an Owner or User Admin to start chats as the person who asked; or set CODER_CHAT_IDENTITY=service)", err)
	}
	if err != nil {
		return "", err
	}
	old := ut.tok
	ut.tok = tok
	if old.ID != "" {
		tc.expire(user, old.ID)
	}
	return tok.Key, nil
}

// forget drops user's token after Coder refused it (e.g. expired by an
// admin), so the next call mints a new one.
func (tc *tokenCache) forget(user, key string) {
	tc.mu.Lock()
	ut := tc.users[user]
	tc.mu.Unlock()
	if ut == nil {
		return
	}
	ut.mu.Lock()
	defer ut.mu.Unlock()
	if ut.tok.Key == key {
		ut.tok = MintedToken{}
	}
}

// expire ends a token no longer used; failing to is logged (by key id).
func (tc *tokenCache) expire(user, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), expireTimeout)
	defer cancel()
	if err := tc.c.ExpireToken(ctx, user, id); err != nil && !IsStatus(err, http.StatusNotFound) {
		tc.logger.Warn("could not expire a minted Coder token; it lapses by itself", "user", user, "key_id", id, "error", err)
	}
}

// close expires every token still held.
func (tc *tokenCache) close() {
	tc.mu.Lock()
	users := tc.users
	tc.users = map[string]*userToken{}
	tc.mu.Unlock()
	for user, ut := range users {
		ut.mu.Lock()
		id := ut.tok.ID
		ut.tok = MintedToken{}
		ut.mu.Unlock()
		if id != "" {
			tc.expire(user, id)
		}
	}
}

// tokenName is a fresh token name (Coder keeps names unique per user).
func tokenName() string {
	var b [6]byte
	// crypto/rand.Read never returns an error (it crashes the program instead).
	_, _ = rand.Read(b[:])
	return "code-factory-" + hex.EncodeToString(b[:])
}

package ingress

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// BotLoginSource gives the App's "<slug>[bot]" login without blocking; it
// returns "" while the login is not known yet.
type BotLoginSource interface {
	Login() string
}

// Backoff bounds of the bot login lookup retries.
const (
	botLoginMinBackoff = time.Second
	botLoginMaxBackoff = time.Minute
	// botLoginAttemptTimeout bounds one lookup.
	botLoginAttemptTimeout = 10 * time.Second
)

// BotLogin is a BotLoginSource that is either static or looked up from
// GitHub once, retrying in the background until the lookup succeeds.
// Routing never waits for it.
type BotLogin struct {
	static string
	fetch  func(ctx context.Context) (string, error)
	logger *slog.Logger

	minBackoff, maxBackoff time.Duration

	mu    sync.RWMutex
	login string

	once  sync.Once
	known chan struct{}
}

// NewBotLogin returns a BotLogin. When static is non-empty it is the login
// and fetch is never called; otherwise fetch (e.g. GET /app, slug + "[bot]")
// is called by Start.
func NewBotLogin(static string, fetch func(ctx context.Context) (string, error), logger *slog.Logger) *BotLogin {
	if logger == nil {
		logger = slog.Default()
	}
	b := &BotLogin{
		static:     static,
		fetch:      fetch,
		logger:     logger,
		minBackoff: botLoginMinBackoff,
		maxBackoff: botLoginMaxBackoff,
		known:      make(chan struct{}),
	}
	if static != "" {
		b.set(static)
	}
	return b
}

// Login implements BotLoginSource.
func (b *BotLogin) Login() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.login
}

// Known is closed once the login is known.
func (b *BotLogin) Known() <-chan struct{} { return b.known }

// Start makes one lookup attempt (unless the login is static or already
// known) and, if it fails, keeps retrying in the background with backoff
// (doubling from 1 s to 1 min) until it succeeds or ctx ends. It returns
// after the first attempt.
func (b *BotLogin) Start(ctx context.Context) {
	if b.Login() != "" || b.fetch == nil {
		if b.Login() == "" {
			b.logger.Warn("bot login unknown and no lookup configured")
		}
		return
	}
	if b.attempt(ctx) {
		return
	}
	go b.retry(ctx)
}

// retry repeats the lookup with backoff until it succeeds or ctx ends.
func (b *BotLogin) retry(ctx context.Context) {
	wait := b.minBackoff
	for {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if b.attempt(ctx) {
			return
		}
		wait = min(wait*2, b.maxBackoff)
	}
}

// attempt makes one lookup and records the login on success.
func (b *BotLogin) attempt(ctx context.Context) bool {
	actx, cancel := context.WithTimeout(ctx, botLoginAttemptTimeout)
	defer cancel()
	login, err := b.fetch(actx)
	if err == nil && login == "" {
		b.logger.Warn("bot login lookup returned an empty login")
		return false
	}
	if err != nil {
		b.logger.Warn("bot login lookup failed; will retry", slog.String("error", err.Error()))
		return false
	}
	b.set(login)
	b.logger.Info("bot login known", slog.String("bot_login", login))
	return true
}

// set records the login and closes Known.
func (b *BotLogin) set(login string) {
	b.mu.Lock()
	b.login = login
	b.mu.Unlock()
	b.once.Do(func() { close(b.known) })
}

package ingress

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestBotLoginStatic(t *testing.T) {
	called := false
	b := NewBotLogin("static[bot]", func(context.Context) (string, error) {
		called = true
		return "fetched[bot]", nil
	}, quietLogger())
	b.Start(context.Background())
	if b.Login() != "static[bot]" || called {
		t.Fatalf("Login = %q, fetch called = %v", b.Login(), called)
	}
	select {
	case <-b.Known():
	default:
		t.Error("Known not closed for a static login")
	}
}

func TestBotLoginFirstFetchSucceeds(t *testing.T) {
	b := NewBotLogin("", func(context.Context) (string, error) { return "app[bot]", nil }, quietLogger())
	b.Start(context.Background())
	if b.Login() != "app[bot]" {
		t.Fatalf("Login = %q after a successful first lookup", b.Login())
	}
}

func TestBotLoginRetriesInBackgroundWhileRoutingWorks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	attempts := 0
	release := make(chan struct{})
	fetch := func(ctx context.Context) (string, error) {
		mu.Lock()
		attempts++
		n := attempts
		mu.Unlock()
		if n == 1 {
			return "", errors.New("github unreachable")
		}
		// Later attempts fail until the test has routed a delivery.
		select {
		case <-release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		if n < 3 {
			return "", errors.New("still unreachable")
		}
		return "app[bot]", nil
	}
	b := NewBotLogin("", fetch, quietLogger())
	b.minBackoff, b.maxBackoff = time.Millisecond, 2*time.Millisecond
	b.Start(ctx) // returns after the failed first attempt
	if b.Login() != "" {
		t.Fatalf("Login = %q before any lookup succeeded", b.Login())
	}

	// Routing does not wait for the login.
	rec := newRecorder()
	srv, _ := newTestServer(t, rec, func(c *Config) { c.Bot = b })
	res := post(srv, signed("issue_comment", own(t, commentFixture)))
	if res.Code != http.StatusAccepted {
		t.Fatalf("status = %d while the bot login is unknown", res.Code)
	}
	calls := rec.recorded()
	if len(calls) != 1 || calls[0].decision.(SignalIssue).Event.Comment == nil {
		t.Fatalf("calls = %+v", calls)
	}
	if s := srv.settings(); s.BotLogin != "" {
		t.Errorf("settings bot login = %q before it is known", s.BotLogin)
	}

	close(release)
	select {
	case <-b.Known():
	case <-time.After(30 * time.Second):
		t.Fatal("bot login never became known")
	}
	mu.Lock()
	n := attempts
	mu.Unlock()
	if b.Login() != "app[bot]" || n != 3 {
		t.Fatalf("Login = %q after %d attempts, want app[bot] after 3", b.Login(), n)
	}
	if s := srv.settings(); s.BotLogin != "app[bot]" {
		t.Errorf("settings bot login = %q once known", s.BotLogin)
	}
}

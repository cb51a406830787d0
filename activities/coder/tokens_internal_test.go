package coder

import (
	"context"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func TestTokenRenewedShortlyBeforeItExpires(t *testing.T) {
	f := fakecoder.New(fakecoder.Options{Token: "admin-token"})
	defer f.Close()
	f.AddUser(7, "alice")
	tc := newTokenCache(NewClient(f.URL(), "admin-token", nil), time.Hour, nil)
	ctx := context.Background()
	first, err := tc.get(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	tc.now = func() time.Time { return time.Now().Add(50 * time.Minute) }
	if again, err := tc.get(ctx, "alice"); err != nil || again != first {
		t.Fatalf("10 minutes before expiry: %v, a new token; want the same one", err)
	}
	tc.now = func() time.Time { return time.Now().Add(56 * time.Minute) }
	renewed, err := tc.get(ctx, "alice")
	if err != nil || renewed == first {
		t.Fatalf("4 minutes before expiry: %v, the same token; want a new one", err)
	}
	m := f.Minted()
	if len(m) != 2 || !m[0].Expired || m[1].Expired || m[1].Key != renewed {
		t.Fatalf("minted = %+v, want the old token expired and the new one live", m)
	}
	if m[0].ExpiresAt.Sub(time.Now()) < 59*time.Minute {
		t.Fatalf("lifetime sent = %v, want an hour", time.Until(m[0].ExpiresAt))
	}
}

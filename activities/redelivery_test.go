package activities_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// The reconciler reads every page of the delivery log back to Since,
// groups attempts by GUID, and picks the deliveries with no 2xx attempt
// that were not already redelivered too often, oldest first.
func TestFindUndeliveredAcrossPages(t *testing.T) {
	world, acts := newWorld(t, fakeworld.Options{})
	var failing atomic.Bool
	failing.Store(true)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer hook.Close()
	world.GitHub.SetWebhook(hook.URL, []byte("s"))
	var guids []string
	for i := range 130 {
		g, _ := world.GitHub.Deliver("issue_comment", "created", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		guids = append(guids, g)
	}
	failing.Store(false)
	world.GitHub.Deliver("issues", "assigned", []byte(`{}`)) // got through
	before := world.GitHub.Count("GET", "/app/hook/deliveries")
	res, err := acts.FindUndelivered(context.Background(), activities.FindUndeliveredInput{Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if pages := world.GitHub.Count("GET", "/app/hook/deliveries") - before; pages != 2 {
		t.Fatalf("read %d pages, want 2 (100 per page)", pages)
	}
	if res.Scanned != 131 || len(res.Undelivered) != 130 {
		t.Fatalf("scanned %d, found %d undelivered; want 131 and 130", res.Scanned, len(res.Undelivered))
	}
	for i, u := range res.Undelivered {
		if u.GUID != guids[i] {
			t.Fatalf("undelivered[%d] = %s, want %s (oldest first)", i, u.GUID, guids[i])
		}
	}

	// Redelivered three times without success: given up on.
	failing.Store(true)
	first := res.Undelivered[0].LatestID
	for range 3 {
		if _, err := acts.Redeliver(context.Background(), []int64{first}); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyAttempts(t, world, 134)
	again, err := acts.FindUndelivered(context.Background(), activities.FindUndeliveredInput{Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.GivenUp) != 1 || again.GivenUp[0] != guids[0] || len(again.Undelivered) != 129 {
		t.Fatalf("given up %q, undelivered %d; want the thrice-redelivered one given up", again.GivenUp, len(again.Undelivered))
	}
	// Since bounds the read.
	late, err := acts.FindUndelivered(context.Background(), activities.FindUndeliveredInput{Since: time.Now().Add(time.Minute)})
	if err != nil || late.Scanned != 0 {
		t.Fatalf("future since: %+v %v", late, err)
	}
}

// eventuallyAttempts waits for the fake's background redeliveries.
func eventuallyAttempts(t *testing.T, world *fakeworld.World, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(world.GitHub.Attempts()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts, want %d", len(world.GitHub.Attempts()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

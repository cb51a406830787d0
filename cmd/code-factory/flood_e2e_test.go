package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fixtures"
)

// commentNumbered returns the captured issue comment with its own id and body.
func commentNumbered(t testing.TB, i int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixtures.Read(t, "webhooks/issue_comment/created.captured-on-issue.json"), &m); err != nil {
		t.Fatal(err)
	}
	c := m["comment"].(map[string]any)
	c["id"] = 7000000 + i
	c["body"] = fmt.Sprintf("flood comment %03d", i)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestE2ECommentFloodWhileBusyIsDeliveredInOrder posts a burst of comments
// while the agent is working; once it is idle, every comment reaches the
// task exactly once, in the order GitHub delivered them.
func TestE2ECommentFloodWhileBusyIsDeliveredInOrder(t *testing.T) {
	const n = 120
	s := newStack(t)
	s.seedCaptured()
	taskID := s.assign()
	working := "working"
	if err := s.world.Coder.SetTask(taskID, "active", &working); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(taskID); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if code, b := s.deliverBytes("issue_comment", commentNumbered(t, i), fmt.Sprintf("flood-%d", i)); code != http.StatusAccepted {
			t.Fatalf("comment %d: %d %s", i, code, b)
		}
	}
	if sent := s.world.Coder.Sent(taskID); len(sent) != 0 {
		t.Fatalf("%d inputs sent while the agent was busy", len(sent))
	}
	if err := s.world.Coder.Release(taskID); err != nil {
		t.Fatal(err)
	}
	all := func() string { return strings.Join(s.world.Coder.Sent(taskID), "\n") }
	eventually(t, "every comment delivered", func() bool { return strings.Count(all(), "flood comment ") == n })
	text, last := all(), -1
	for i := 0; i < n; i++ {
		at := strings.Index(text, fmt.Sprintf("flood comment %03d", i))
		if at < last {
			t.Fatalf("comment %d delivered out of order", i)
		}
		if strings.Count(text, fmt.Sprintf("flood comment %03d\n", i)) != 1 {
			t.Fatalf("comment %d delivered %d times", i, strings.Count(text, fmt.Sprintf("flood comment %03d\n", i)))
		}
		last = at
	}
}

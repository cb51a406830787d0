package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// The same delivery posted 50 times at once is applied once: one task, one
// status comment, the comment sent once.
func TestE2EFiftyConcurrentDuplicatesApplyOnce(t *testing.T) {
	s := newStack(t)
	s.seed()
	post := func(event string, body []byte, delivery string) {
		var wg sync.WaitGroup
		codes := make([]int, 50)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _ = s.deliverBytes(event, body, delivery)
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusAccepted {
				t.Errorf("copy %d of %s answered %d", i, delivery, c)
			}
		}
	}
	post("issues", assignedBody(), "d-dup-assign")
	eventually(t, "the task running", func() bool { return s.statusText() != "" && len(s.world.Coder.Created()) == 1 })
	run := s.world.Coder.Created()[0].ID
	post("issue_comment", commentBody(7601, alice, "once, please"), "d-dup-comment")
	eventually(t, "the comment sent", func() bool { return s.blocks(run) == 1 })
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7602, alice, "a later comment"), "d-dup-later")
	eventually(t, "the later comment sent", func() bool {
		return strings.Contains(strings.Join(s.world.Coder.Sent(run), "\n"), "a later comment")
	})
	if n := s.blocks(run); n != 2 {
		t.Errorf("%d comments sent, want 2 (the duplicate once, then the later one)", n)
	}
	if n := len(s.world.Coder.Created()); n != 1 {
		t.Errorf("%d tasks, want 1", n)
	}
	if n := s.statusComments(); n != 1 {
		t.Errorf("%d status comments, want 1", n)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// statusCmd runs `code-factory status` against the stack's Temporal.
func (s *stack) statusCmd(args ...string) (int, string, string) {
	s.t.Helper()
	s.t.Setenv("TEMPORAL_ADDRESS", s.cfg.TemporalAddress)
	s.t.Setenv("TEMPORAL_NAMESPACE", s.cfg.TemporalNamespace)
	s.t.Setenv("CODER_TASK_NAME_PREFIX", s.cfg.CoderTaskNamePrefix)
	s.t.Setenv("TEMPORAL_UI_URL", "http://temporal-ui.example")
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"status"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// `code-factory status` prints a real issue's state: the run and its link,
// the phase, inputs delivered and waiting, and the Temporal UI link; and
// lists a repository's open issues.
func TestE2EStatusCommand(t *testing.T) {
	s := newStack(t)
	s.seed()
	runID := s.assign()
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "a comment"), "d-status-c1")
	eventually(t, "the comment sent", func() bool { return s.blocks(runID) == 1 })

	// The send reaches the fake before the activity's result reaches the
	// workflow, so wait for the workflow to record it.
	var code int
	var out string
	eventually(t, "status shows the comment delivered", func() bool {
		code, out, _ = s.statusCmd("acme/widgets#42")
		return code == 0 && strings.Contains(out, "1 delivered, 0 waiting")
	})
	for _, want := range []string{"acme/widgets#42", "phase:      idle", runID, "1 delivered, 0 waiting", "requester:  alice",
		"temporal:   http://temporal-ui.example/namespaces/default/workflows/" + s.cfg.CoderTaskNamePrefix + "-acme%2Fwidgets-42/"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = s.statusCmd("--json", "acme/widgets#42")
	var st issueState
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Task == nil || st.Task.ID != runID || st.Delivered != 1 || st.RunID == "" {
		t.Fatalf("status --json = %d %s", code, out)
	}
	code, out, _ = s.statusCmd("--repo", "acme/widgets")
	if code != 0 || !strings.Contains(out, "acme/widgets#42") || strings.Count(out, "\n") != 2 {
		t.Fatalf("status --repo = %d\n%s", code, out)
	}
	if code, _, errOut := s.statusCmd("acme/widgets#43"); code == 0 || !strings.Contains(errOut, "acme/widgets-43") {
		t.Fatalf("status of an issue without a workflow = %d %q", code, errOut)
	}
}

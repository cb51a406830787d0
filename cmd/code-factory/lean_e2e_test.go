package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/workflows"
)

// startReads are the calls a start makes before its create; lean-start-1
// runs them as local activities.
var startReads = []string{"TriggerPolicy", "CheckIssue", "CheckAuthor", "LookupCoderUser", "PlanTask", "AcquireSlot"}

// TestE2EWorkerKilledDuringTheStartReadsMakesOneRun kills the worker while
// a start's reads run inside one workflow task (lean-start-1: local
// activities, some done, the Coder user lookup being refused). The next
// worker runs the reads again and makes one run with one status comment;
// the history shows the reads as local activities, not as activity tasks.
func TestE2EWorkerKilledDuringTheStartReadsMakesOneRun(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			t.Parallel()
			s := newStack(t, onAPI(api))
			s.seed()
			s.worker.Stop()
			child := s.startChildWorker()
			down := s.world.Coder.FailWhile(http.MethodGet, "/api/v2/users", http.StatusInternalServerError)
			issuePath := "/repos/" + e2eRepo.Owner + "/" + e2eRepo.Name + "/issues/42"
			s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-assign")
			eventually(t, "the Coder user lookup refused", func() bool { return len(down.Answered()) >= 1 })
			issueReads := s.world.GitHub.Count(http.MethodGet, issuePath)
			if issueReads == 0 {
				t.Fatal("the issue was not read before the Coder user lookup")
			}
			s.killChild(child)
			down.End()
			s.startWorker()
			eventually(t, "the task running", func() bool { return strings.HasPrefix(s.statusText(), "Task is running: ") })
			if n := len(s.world.Coder.Created()); n != 1 {
				t.Fatalf("runs created = %d, want 1", n)
			}
			if n := s.statusComments(); n != 1 {
				t.Fatalf("status comments = %d, want 1", n)
			}
			if got := s.world.GitHub.Count(http.MethodGet, issuePath); got <= issueReads {
				t.Fatalf("issue reads = %d after the kill, %d before: want the lost workflow task's reads run again", got, issueReads)
			}
			h := s.history(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
			locals := 0
			for _, ev := range h.GetEvents() {
				switch ev.GetEventType() {
				case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
					if name := ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName(); slices.Contains(startReads, name) {
						t.Errorf("%s ran as an activity task, want a local activity", name)
					}
				case enumspb.EVENT_TYPE_MARKER_RECORDED:
					if ev.GetMarkerRecordedEventAttributes().GetMarkerName() == "LocalActivity" {
						locals++
					}
				}
			}
			if locals < len(startReads) {
				t.Fatalf("local activity markers = %d, want at least %d (the start's reads)", locals, len(startReads))
			}
		})
	}
}

// TestE2ELeanRunRecordsOneVersionMarker: a new issue run records the one
// lean-start-1 marker (and its search attribute) instead of five.
func TestE2ELeanRunRecordsOneVersionMarker(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	s.assign()
	h := s.history(workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue))
	var versions, upserts int
	for _, ev := range h.GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if ev.GetMarkerRecordedEventAttributes().GetMarkerName() == "Version" {
				versions++
			}
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			upserts++
		}
	}
	if versions != 1 || upserts != 1 {
		t.Fatalf("version markers = %d, search attribute upserts = %d; want 1 and 1", versions, upserts)
	}
}

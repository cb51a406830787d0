package workflows

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

// relayHarness runs the relay workflow with real activities over the fakes
// and records what it signals.
type relayHarness struct {
	*wfHarness
	signalled []IssueEvent
	targets   []string
}

func newRelayHarness(t *testing.T, issueWorkflowExists bool) *relayHarness {
	r := &relayHarness{wfHarness: newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})}
	r.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", IssueEventSignal, mock.Anything).Return(
		func(_, workflowID, _, _ string, arg interface{}) error {
			if !issueWorkflowExists {
				return errors.New("unknown external workflow execution")
			}
			r.targets = append(r.targets, workflowID)
			r.signalled = append(r.signalled, arg.(IssueEvent))
			return nil
		})
	return r
}

func (r *relayHarness) relay(e IssueEvent) {
	r.t.Helper()
	r.env.ExecuteWorkflow(RelayWorkflowName, RelayInput{Settings: Settings{TaskNamePrefix: "gh", AgentLogin: tAgent}, Event: e})
	if !r.env.IsWorkflowCompleted() {
		r.t.Fatal("relay did not complete")
	}
	if err := r.env.GetWorkflowError(); err != nil {
		r.t.Fatalf("relay failed: %v", err)
	}
}

func prComment(pr int) IssueEvent {
	e := comment("d-pr", 901, "bob", "please rename the function")
	e.Kind = KindPRComment
	e.IssueNumber = 0
	e.Comment.PRNumber = pr
	return e
}

func ciFailure(pr int, sha string) IssueEvent {
	e := ev(KindCIFailure, "d-run")
	e.IssueNumber = 0
	e.CIFailure = &CIFailure{RunID: 30433642, WorkflowName: "CI", WorkflowPath: ".github/workflows/ci.yml", RunURL: "https://github.com/acme/widgets/actions/runs/30433642", HeadSHA: sha, PRNumber: pr}
	return e
}

func TestRelayRoutesPRCommentToLinkedIssueNotPRNumber(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	r.relay(prComment(77))
	if len(r.targets) != 1 || r.targets[0] != "gh-acme/widgets-42" {
		t.Fatalf("signalled %q, want the issue's workflow gh-acme/widgets-42 (never the PR number)", r.targets)
	}
	if r.signalled[0].IssueNumber != tIssue || r.signalled[0].Comment.PRNumber != 77 {
		t.Fatalf("relayed event = %+v", r.signalled[0])
	}
}

func TestRelayWithoutLinkedIssueEndsQuietly(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77) // the PR closes no issue
	r.relay(prComment(77))
	if len(r.targets) != 0 {
		t.Fatalf("signalled %q, want nothing", r.targets)
	}
}

func TestRelayWithoutIssueWorkflowEndsQuietly(t *testing.T) {
	r := newRelayHarness(t, false)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	r.relay(prComment(77)) // completes without error
}

func TestRelayCIFailureChecksAuthorAndHead(t *testing.T) {
	cases := []struct {
		name       string
		pr         fakegithub.PullRequest
		payloadPR  int
		runSHA     string
		wantSignal bool
	}{
		{"agent PR, current head", fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: "abc"}, 77, "abc", true},
		{"agent PR found by head SHA", fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: "abc"}, 0, "abc", true},
		{"stale head", fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: "def"}, 77, "abc", false},
		{"someone else's PR", fakegithub.PullRequest{Number: 77, Author: "bob", HeadSHA: "abc"}, 77, "abc", false},
		{"no PR for the SHA", fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: "def"}, 0, "abc", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRelayHarness(t, true)
			r.world.GitHub.SetPullRequest(tOwner, tRepo, c.pr)
			r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
			r.relay(ciFailure(c.payloadPR, c.runSHA))
			if got := len(r.targets) == 1; got != c.wantSignal {
				t.Fatalf("signalled = %v, want %v", r.targets, c.wantSignal)
			}
			if c.wantSignal {
				f := r.signalled[0].CIFailure
				if f.PRNumber != 77 || !strings.HasSuffix(f.PRURL, "/pull/77") {
					t.Fatalf("relayed failure = %+v, want PR 77 and its URL", f)
				}
			}
		})
	}
}

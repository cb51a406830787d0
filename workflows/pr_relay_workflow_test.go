package workflows

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

// prEvent is the review comment number i on pull request 77, as the
// ingress classifies it (no issue number yet).
func prEvent(i int) IssueEvent {
	e := comment(fmt.Sprintf("d-pr-%d", i), int64(900+i), "bob", fmt.Sprintf("pr comment %02d", i))
	e.Kind = KindPRComment
	e.IssueNumber = 0
	e.IssueURL = ""
	e.Comment.PRNumber = 77
	return e
}

func prRelayInput() PRRelayInput {
	return PRRelayInput{
		Settings:       Settings{TaskNamePrefix: "gh", AgentLogin: tAgent},
		InstallationID: 7, Repo: Repo{Owner: tOwner, Name: tRepo, ID: tRepoID}, PRNumber: 77,
	}
}

// runPRRelay signals the events to the pull request's relay (step apart:
// callbacks at one instant have no order) and runs it until it ends.
func (r *relayHarness) runPRRelay(in PRRelayInput, step time.Duration, events ...IssueEvent) error {
	r.t.Helper()
	for i, e := range events {
		r.env.RegisterDelayedCallback(func() { r.env.SignalWorkflow(PREventSignal, e) }, time.Duration(i+1)*step)
	}
	r.env.ExecuteWorkflow(PRRelayWorkflowName, in)
	if !r.env.IsWorkflowCompleted() {
		r.t.Fatal("pull request relay did not complete")
	}
	return r.env.GetWorkflowError()
}

func (r *relayHarness) graphQLCalls() int { return r.world.GitHub.Count("POST", "/graphql") }

// Fifty comments on the pull request in a burst reach the issue's workflow
// in the order GitHub delivered them; the linked issue is looked up once;
// the relay ends on its own once the pull request goes quiet.
func TestPRRelayForwardsABurstInOrder(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	var events []IssueEvent
	for i := range 50 {
		events = append(events, prEvent(i))
	}
	if err := r.runPRRelay(prRelayInput(), time.Millisecond, events...); err != nil {
		t.Fatalf("relay: %v", err)
	}
	if len(r.signalled) != 50 {
		t.Fatalf("forwarded %d events, want 50", len(r.signalled))
	}
	for i, e := range r.signalled {
		if e.DeliveryID != events[i].DeliveryID || e.IssueNumber != tIssue || r.targets[i] != "gh-acme/widgets-42" {
			t.Fatalf("event %d = %s to %s (issue %d), want %s to gh-acme/widgets-42", i, e.DeliveryID, r.targets[i], e.IssueNumber, events[i].DeliveryID)
		}
	}
	if n := r.graphQLCalls(); n != 1 {
		t.Fatalf("linked issue looked up %d times, want once", n)
	}
}

// After EventsPerRun events the relay drains what is buffered and continues
// as new with the issue it resolved, so no event is dropped at the boundary.
func TestPRRelayDrainsThenContinuesAsNewWithTheIssue(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	in := prRelayInput()
	in.Settings.EventsPerRun = 1
	// Three events at one instant: all are buffered when the first is done.
	for i := range 3 {
		r.env.RegisterDelayedCallback(func() { r.env.SignalWorkflow(PREventSignal, prEvent(i)) }, time.Millisecond)
	}
	r.env.ExecuteWorkflow(PRRelayWorkflowName, in)
	var can *workflow.ContinueAsNewError
	if err := r.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("relay ended with %v, want continue-as-new", err)
	}
	if len(r.signalled) != 3 {
		t.Fatalf("forwarded %d events before continuing as new, want all 3", len(r.signalled))
	}
	var next PRRelayInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Issue != tIssue || next.PRNumber != 77 {
		t.Fatalf("next run's input = %+v, want the resolved issue carried", next)
	}
}

// A pull request that closes no issue yet is looked up again on its next
// event: "Fixes #42" is often added to the description later.
func TestPRRelayResolvesAgainUntilAnIssueIsLinked(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77)
	r.env.RegisterDelayedCallback(func() { r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue) }, 90*time.Second)
	if err := r.runPRRelay(prRelayInput(), time.Minute, prEvent(0), prEvent(1), prEvent(2)); err != nil {
		t.Fatalf("relay: %v", err)
	}
	if got := deliveries(r.signalled); !slices.Equal(got, []string{"d-pr-1", "d-pr-2"}) {
		t.Fatalf("forwarded %q, want the events after the issue was linked", got)
	}
	if n := r.graphQLCalls(); n != 2 {
		t.Fatalf("linked issue looked up %d times, want twice (until found)", n)
	}
}

// "Fixes other/widgets#42" is a closing reference too, but to another
// repository's issue: it must not reach this repository's issue 42. A
// reference to this repository after it still routes.
func TestPRRelayIgnoresClosingReferencesToOtherRepositories(t *testing.T) {
	for _, c := range []struct {
		name string
		refs []fakegithub.ClosingRef
		want []string
	}{
		{"only another repository's issue", []fakegithub.ClosingRef{{Owner: "other", Repo: tRepo, Number: tIssue}}, nil},
		{"another repository's, then ours", []fakegithub.ClosingRef{{Owner: "other", Repo: tRepo, Number: 7}, {Owner: tOwner, Repo: tRepo, Number: tIssue}}, []string{"gh-acme/widgets-42"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRelayHarness(t, true)
			r.world.GitHub.SetClosingRefs(tOwner, tRepo, 77, c.refs...)
			if err := r.runPRRelay(prRelayInput(), time.Millisecond, prEvent(0)); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.targets, c.want) {
				t.Fatalf("signalled %q, want %q", r.targets, c.want)
			}
		})
	}
}

// With no running workflow for the issue an event is dropped with a log
// line, and the relay keeps serving the pull request.
func TestPRRelayWithoutIssueWorkflowKeepsGoing(t *testing.T) {
	r := newRelayHarness(t, false)
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	if err := r.runPRRelay(prRelayInput(), time.Millisecond, prEvent(0), prEvent(1)); err != nil {
		t.Fatalf("relay: %v", err)
	}
}

func deliveries(evs []IssueEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.DeliveryID
	}
	return out
}

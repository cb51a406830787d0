package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
)

// TestSlotsWorkflowGrantsInOrder: with a cap of 2, the third and fourth
// askers wait and are told their place; a release grants the next in
// order; a repeated acquire by a holder is granted again without taking a
// second slot; a holder that no longer runs loses its slot at the check.
func TestSlotsWorkflowGrantsInOrder(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	type told struct {
		id string
		g  SlotGrant
	}
	var got []told
	gone := map[string]bool{}
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", SlotGrantSignal, mock.Anything).Return(
		func(_, id, _, _ string, arg any) error {
			if gone[id] {
				return errors.New("workflow execution already completed")
			}
			got = append(got, told{id, arg.(SlotGrant)})
			return nil
		})
	send := func(at time.Duration, req SlotRequest) {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(SlotRequestSignal, req) }, at)
	}
	send(time.Second, SlotRequest{WorkflowID: "w1", Cap: 2})
	send(2*time.Second, SlotRequest{WorkflowID: "w2", Cap: 2})
	send(3*time.Second, SlotRequest{WorkflowID: "w3", Cap: 2})
	send(4*time.Second, SlotRequest{WorkflowID: "w4", Cap: 2})
	send(5*time.Second, SlotRequest{WorkflowID: "w1", Cap: 2})
	send(6*time.Second, SlotRequest{WorkflowID: "w2", Release: true})
	env.RegisterDelayedCallback(func() { gone["w1"] = true }, 7*time.Second)
	// The check after slotsCheckEvery finds w1 gone and grants w4.
	send(slotsCheckEvery+time.Hour, SlotRequest{WorkflowID: "w3", Release: true})
	send(slotsCheckEvery+time.Hour+time.Second, SlotRequest{WorkflowID: "w4", Release: true})
	env.ExecuteWorkflow(SlotsWorkflow, SlotsState{Repo: Repo{Owner: "acme", Name: "widgets"}})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	want := []told{
		{"w1", SlotGrant{Granted: true}},
		{"w2", SlotGrant{Granted: true}},
		{"w3", SlotGrant{Ahead: 0, Running: 2, Cap: 2}},
		{"w3", SlotGrant{Ahead: 0, Running: 2, Cap: 2}},
		{"w4", SlotGrant{Ahead: 1, Running: 2, Cap: 2}},
		{"w1", SlotGrant{Granted: true}}, // a holder asking again
		{"w3", SlotGrant{Granted: true}}, // w2's release
		{"w4", SlotGrant{Ahead: 0, Running: 2, Cap: 2}},
		{"w3", SlotGrant{Granted: true}}, // the check: w1 is gone, w3 still runs
		{"w4", SlotGrant{Granted: true}}, // w1's slot
	}
	if len(got) != len(want) {
		t.Fatalf("told %d times, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("signal %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestSlotsWorkflowIDRoundTrip(t *testing.T) {
	id := SlotsWorkflowID("gh", "acme", "widgets")
	owner, repo, err := ParseSlotsWorkflowID("gh", id)
	if err != nil || owner != "acme" || repo != "widgets" || id != "gh-acme/widgets/slots" {
		t.Errorf("%q → %q %q %v", id, owner, repo, err)
	}
	for _, bad := range []string{"gh-acme/widgets-1", "gh-acme/widgets/pull/3", "gh-acme/slots", "gh-a/b/c"} {
		if _, _, err := ParseSlotsWorkflowID("gh", bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

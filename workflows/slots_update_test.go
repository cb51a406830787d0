package workflows

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// slotsEnv is a slot workflow under test: the grant signals it sends, in
// order, and the answers to its updates.
type slotsEnv struct {
	env     *testsuite.TestWorkflowEnvironment
	signals []string
}

// newSlotsEnv records the grant signals; onSignal, when set, runs as
// each is sent (while the workflow waits on it).
func newSlotsEnv(onSignal func(id string)) *slotsEnv {
	var suite testsuite.WorkflowTestSuite
	s := &slotsEnv{env: suite.NewTestWorkflowEnvironment()}
	s.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", SlotGrantSignal, mock.Anything).Return(
		func(_, id, _, _ string, arg any) error {
			s.signals = append(s.signals, id+" "+describeGrant(arg.(SlotGrant)))
			if onSignal != nil {
				onSignal(id)
			}
			return nil
		})
	return s
}

// describeGrant is a grant in a line.
func describeGrant(g SlotGrant) string {
	if g.Granted {
		return "granted"
	}
	return "queued " + itoa(g.Ahead) + " ahead, " + itoa(g.Running) + "/" + itoa(g.Cap)
}

func itoa(n int) string { return strconv.Itoa(n) }

// ask sends an acquire update at a time (now, when at is negative: from a
// mock, while the workflow waits on it) and records its answer (or
// rejection) under key.
func (s *slotsEnv) ask(at time.Duration, req SlotRequest, answers map[string]string, key string) {
	send := func() {
		s.env.UpdateWorkflow(SlotAcquireUpdate, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { answers[key] = "rejected: " + err.Error() },
			OnComplete: func(v any, err error) {
				if err != nil {
					answers[key] = "failed: " + err.Error()
					return
				}
				answers[key] = describeGrant(v.(SlotGrant))
			},
		}, req)
	}
	if at < 0 {
		send()
		return
	}
	s.env.RegisterDelayedCallback(send, at)
}

// TestSlotsWorkflowAnswersAcquireUpdates: with a cap of 2 the first two
// askers are granted in the update's answer, with no signal, and are not
// told again while nobody waits (the idle wait they came into is left);
// the next two are told their place; asking again gives the same answer;
// a release (signal) grants the next in order by signal; a raised cap
// grants the next at once; updates that are not a named acquire are
// rejected; the workflow ends when idle.
func TestSlotsWorkflowAnswersAcquireUpdates(t *testing.T) {
	s := newSlotsEnv(nil)
	got := map[string]string{}
	s.ask(time.Second, SlotRequest{WorkflowID: "w1", Cap: 2}, got, "w1")
	s.ask(2*time.Second, SlotRequest{WorkflowID: "w2", Cap: 2}, got, "w2")
	quiet := []string{"not looked"}
	s.env.RegisterDelayedCallback(func() { quiet = append([]string(nil), s.signals...) }, time.Hour)
	h := time.Hour
	s.ask(h+time.Second, SlotRequest{WorkflowID: "w3", Cap: 2}, got, "w3")
	s.ask(h+2*time.Second, SlotRequest{WorkflowID: "w4", Cap: 2}, got, "w4")
	s.ask(h+3*time.Second, SlotRequest{WorkflowID: "w1", Cap: 2}, got, "w1 again")
	s.ask(h+4*time.Second, SlotRequest{WorkflowID: "w4", Cap: 2}, got, "w4 again")
	s.ask(h+5*time.Second, SlotRequest{WorkflowID: "w9", Release: true}, got, "release")
	s.ask(h+6*time.Second, SlotRequest{}, got, "unnamed")
	s.env.RegisterDelayedCallback(func() { s.env.SignalWorkflow(SlotRequestSignal, SlotRequest{WorkflowID: "w2", Release: true}) }, h+time.Minute)
	s.ask(h+2*time.Minute, SlotRequest{WorkflowID: "w5", Cap: 4}, got, "w5")
	for i, id := range []string{"w1", "w3", "w4", "w5"} {
		s.env.RegisterDelayedCallback(func() { s.env.SignalWorkflow(SlotRequestSignal, SlotRequest{WorkflowID: id, Release: true}) }, 2*h+time.Duration(i)*time.Second)
	}
	s.env.ExecuteWorkflow(SlotsWorkflow, SlotsState{Repo: Repo{Owner: "acme", Name: "widgets"}})
	if !s.env.IsWorkflowCompleted() || s.env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", s.env.IsWorkflowCompleted(), s.env.GetWorkflowError())
	}
	want := map[string]string{
		"w1": "granted", "w2": "granted",
		"w3": "queued 0 ahead, 2/2", "w4": "queued 1 ahead, 2/2",
		"w1 again": "granted", "w4 again": "queued 1 ahead, 2/2",
		"release": "rejected: a release is the slot-request signal, not an update",
		"unnamed": "rejected: slot request without a workflow id",
		"w5":      "queued 1 ahead, 2/4",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("answer to %s = %q, want %q", k, got[k], v)
		}
	}
	if len(quiet) != 0 {
		t.Errorf("signals in the first hour = %q, want none: every answer was the update's", quiet)
	}
	wantSignals := []string{
		"w3 granted",             // w2's release
		"w4 queued 0 ahead, 2/2", // its new place
		"w4 granted",             // the cap raised to 4 by w5
		"w5 granted",
	}
	if strings.Join(s.signals, "; ") != strings.Join(wantSignals, "; ") {
		t.Errorf("signals = %q, want %q", s.signals, wantSignals)
	}
}

// TestSlotsWorkflowCountsUpdatesTowardsContinueAsNew: a run that took
// maxEventsPerRun acquires by update continues as new with every holder.
func TestSlotsWorkflowCountsUpdatesTowardsContinueAsNew(t *testing.T) {
	s := newSlotsEnv(nil)
	got := map[string]string{}
	for i := range maxEventsPerRun {
		s.ask(time.Duration(i+1)*time.Millisecond, SlotRequest{WorkflowID: "w" + itoa(i), Cap: 1000}, got, itoa(i))
	}
	s.env.ExecuteWorkflow(SlotsWorkflow, SlotsState{Repo: Repo{Owner: "acme", Name: "widgets"}})
	var can *workflow.ContinueAsNewError
	if err := s.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error = %v, want continue-as-new", err)
	}
	var next SlotsState
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if len(next.Holders) != maxEventsPerRun || next.Holders[0] != "w0" || next.Cap != 1000 || len(next.Queue) != 0 {
		t.Fatalf("carried %d holders (first %v), cap %d, %d queued", len(next.Holders), next.Holders[:min(1, len(next.Holders))], next.Cap, len(next.Queue))
	}
	if len(got) != maxEventsPerRun || got["0"] != "granted" || got[itoa(maxEventsPerRun-1)] != "granted" {
		t.Fatalf("%d answers, first %q, last %q", len(got), got["0"], got[itoa(maxEventsPerRun-1)])
	}
	if len(s.signals) != 0 {
		t.Errorf("signals = %d, want none", len(s.signals))
	}
}

// TestSlotsWorkflowUpdateWaitsForTheBusyLoop: an acquire that comes while
// the main loop is telling the queue its places (waiting on a signal,
// mid-edit) is admitted after it, so it is not lost: it is answered with
// its place and granted in its turn.
func TestSlotsWorkflowUpdateWaitsForTheBusyLoop(t *testing.T) {
	got := map[string]string{}
	posted := false
	var s *slotsEnv
	s = newSlotsEnv(func(id string) {
		if id == "w3" && !posted {
			posted = true
			s.ask(-1, SlotRequest{WorkflowID: "w4", Cap: 1}, got, "w4")
		}
	})
	s.ask(time.Second, SlotRequest{WorkflowID: "w1", Cap: 1}, got, "w1")
	s.ask(2*time.Second, SlotRequest{WorkflowID: "w2", Cap: 1}, got, "w2")
	s.ask(3*time.Second, SlotRequest{WorkflowID: "w3", Cap: 1}, got, "w3")
	for i, id := range []string{"w1", "w2", "w3", "w4"} {
		s.env.RegisterDelayedCallback(func() { s.env.SignalWorkflow(SlotRequestSignal, SlotRequest{WorkflowID: id, Release: true}) }, time.Minute*time.Duration(i+1))
	}
	s.env.ExecuteWorkflow(SlotsWorkflow, SlotsState{Repo: Repo{Owner: "acme", Name: "widgets"}})
	if !s.env.IsWorkflowCompleted() || s.env.GetWorkflowError() != nil {
		t.Fatalf("completed %v, error %v", s.env.IsWorkflowCompleted(), s.env.GetWorkflowError())
	}
	if got["w4"] != "queued 1 ahead, 1/1" {
		t.Errorf("w4's answer = %q, want its place behind w3", got["w4"])
	}
	want := []string{
		"w2 granted", "w3 queued 0 ahead, 1/1", // w1's release; w4 asks meanwhile
		"w3 granted", "w4 queued 0 ahead, 1/1", // w2's release
		"w4 granted", // w3's release
	}
	if strings.Join(s.signals, "; ") != strings.Join(want, "; ") {
		t.Errorf("signals = %q, want %q", s.signals, want)
	}
}

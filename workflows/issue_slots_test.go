package workflows

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

// answeringSlots is a slot client that answers every acquire update with
// one grant, and records the updates.
type answeringSlots struct {
	answer  SlotGrant
	updates []client.UpdateWorkflowOptions
}

func (f *answeringSlots) SignalWithStartWorkflow(context.Context, string, string, any, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	panic("a slot-update-1 run signalled its slot request")
}

func (f *answeringSlots) NewWithStartWorkflowOperation(client.StartWorkflowOptions, any, ...any) client.WithStartWorkflowOperation {
	return nil
}

func (f *answeringSlots) UpdateWithStartWorkflow(_ context.Context, o client.UpdateWithStartWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.updates = append(f.updates, o.UpdateOptions)
	return answerHandle{f.answer}, nil
}

// answerHandle is an update handle with its answer.
type answerHandle struct{ g SlotGrant }

func (h answerHandle) WorkflowID() string { return "" }
func (h answerHandle) RunID() string      { return "" }
func (h answerHandle) UpdateID() string   { return "" }
func (h answerHandle) Get(_ context.Context, out any) error {
	*out.(*SlotGrant) = h.g
	return nil
}

// TestQueuedAnswerWaitsForTheGrantSignal: a run whose slot update answers
// "queued" says so on the issue (how many are ahead) and creates its task
// only when the grant signal comes; one that is granted in the answer
// creates it at once. Each asks once, by update.
func TestQueuedAnswerWaitsForTheGrantSignal(t *testing.T) {
	for _, queued := range []bool{true, false} {
		t.Run(map[bool]string{true: "queued", false: "granted"}[queued], func(t *testing.T) {
			h := newWFHarness(t, fakecoder.Options{API: fakecoder.APIChats})
			slots := &answeringSlots{answer: SlotGrant{Granted: true}}
			if queued {
				slots.answer = SlotGrant{Ahead: 2, Running: 10, Cap: 10}
			}
			h.acts.Slots = slots
			h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: "gh-acme/widgets-42"})
			var released []SlotRequest
			h.env.OnSignalExternalWorkflow(mock.Anything, "gh-acme/widgets/slots", "", SlotRequestSignal, mock.Anything).Return(
				func(_, _, _, _ string, arg any) error {
					released = append(released, arg.(SlotRequest))
					return nil
				})
			h.at(0, assigned("d-assign"))
			var before int
			h.env.RegisterDelayedCallback(func() {
				before = len(h.world.Coder.Created())
				h.env.SignalWorkflow(SlotGrantSignal, SlotGrant{Granted: true})
			}, time.Hour)
			h.at(2*time.Hour, closed("d-close"))
			h.mustRun()

			if len(slots.updates) != 1 {
				t.Fatalf("slot updates = %d, want 1", len(slots.updates))
			}
			u := slots.updates[0]
			req, _ := u.Args[0].(SlotRequest)
			if u.UpdateName != SlotAcquireUpdate || u.WaitForStage != client.WorkflowUpdateStageCompleted || req.WorkflowID != "gh-acme/widgets-42" || req.Cap != 10 {
				t.Errorf("update = %s %v %+v", u.UpdateName, u.WaitForStage, u.Args)
			}
			wantBefore := map[bool]int{true: 0, false: 1}[queued]
			if before != wantBefore {
				t.Errorf("runs created before the grant signal = %d, want %d", before, wantBefore)
			}
			if n := len(h.world.Coder.Created()); n != 1 {
				t.Errorf("runs created = %d, want 1", n)
			}
			said := false
			for _, r := range h.world.GitHub.Requests() {
				if r.Method != http.MethodGet && strings.Contains(string(r.Body), "Queued: 10 of 10 task slots") && strings.Contains(string(r.Body), "2 ahead of this one") {
					said = true
				}
			}
			if said != queued {
				t.Errorf("the issue was told it is queued: %v, want %v", said, queued)
			}
			if len(released) != 1 || !released[0].Release || released[0].WorkflowID != "gh-acme/widgets-42" {
				t.Errorf("releases at the close = %+v, want one", released)
			}
		})
	}
}

var _ activities.SlotSignaler = (*answeringSlots)(nil)

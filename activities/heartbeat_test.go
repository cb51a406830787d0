package activities_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// progress mirrors the heartbeat details of a waiting activity.
type progress struct {
	Start int64 `json:"start"`
	Sent  bool  `json:"sent"`
}

// deliverWorld is a fake world with alice's run of the given API created.
func deliverWorld(t *testing.T, api fakecoder.API) (*fakeworld.World, *activities.Activities, coder.Ref) {
	t.Helper()
	world, err := fakeworld.New(fakeworld.Options{Coder: fakecoder.Options{API: api}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(world.Close)
	timing := fakeworld.FastTiming()
	timing.HeartbeatEvery = 2 * time.Millisecond
	acts, err := world.Activities(timing, nil)
	if err != nil {
		t.Fatal(err)
	}
	world.Coder.AddUser(1001, "alice")
	res, err := acts.CreateTask(context.Background(), activities.CreateTaskInput{Spec: coder.CreateSpec{
		Name: "gh-widgets-42", Owner: "alice", Input: "go", Prompt: "go",
		Labels: coder.IssueLabels(7, "acme/widgets", 42), Identity: "https://github.com/acme/widgets/issues/42",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return world, acts, res.Task
}

// A waiting activity heartbeats while a Coder call is still in flight, not
// only between calls: a call slower than the heartbeat timeout must not get
// the attempt timed out (and retried while its send is landing). The test
// environment enforces the heartbeat timeout in real time; the held call
// lasts several heartbeat timeouts.
func TestDeliverInputHeartbeatsDuringSlowCalls(t *testing.T) {
	const heartbeatTimeout = 300 * time.Millisecond
	for _, c := range []struct {
		api            fakecoder.API
		method, prefix string
	}{
		{fakecoder.APITasks, "GET", "/api/v2/tasks/"},
		{fakecoder.APIChats, "POST", "/api/v2/chats/"},
	} {
		t.Run(string(c.api), func(t *testing.T) {
			world, acts, task := deliverWorld(t, c.api)
			acts.Timing.HeartbeatEvery = 0 // a quarter of the heartbeat timeout, as in production
			stall := world.Coder.StallRequests(c.method, c.prefix)
			// Should the call never heartbeat, the timeout fails the attempt;
			// release the held call then so the test ends.
			guard := time.AfterFunc(20*time.Second, stall.Release)
			defer guard.Stop()

			env := (&testsuite.WorkflowTestSuite{}).NewTestWorkflowEnvironment()
			env.RegisterActivity(acts)
			env.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
				ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
					StartToCloseTimeout: time.Minute, HeartbeatTimeout: heartbeatTimeout,
					RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
				})
				return workflow.ExecuteActivity(ctx, acts.DeliverInput, activities.DeliverInputArgs{Task: task, Input: "hello"}).Get(ctx, nil)
			}, workflow.RegisterOptions{Name: "deliver"})
			during := 0
			var last progress
			env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
				if err := d.Get(&last); err != nil {
					t.Errorf("heartbeat details: %v", err)
				}
				select {
				case <-stall.Held():
					if during++; during == 3 {
						stall.Release()
					}
				default:
				}
			})
			env.ExecuteWorkflow("deliver")
			if err := env.GetWorkflowError(); err != nil {
				t.Fatalf("delivery failed (%d heartbeats during the held call): %v", during, err)
			}
			if during < 3 {
				t.Fatalf("%d heartbeats while the call was held, want at least 3", during)
			}
			if last.Start == 0 {
				t.Fatalf("last heartbeat = %+v, want the start time", last)
			}
			if sent := world.Coder.Sent(task.ID); len(sent) != 1 || sent[0] != "hello" {
				t.Fatalf("sent = %q, want one %q", sent, "hello")
			}
		})
	}
}

// A retry of an attempt whose send was recorded in its heartbeat returns
// at once: the input is not sent twice.
func TestDeliverInputRetryAfterRecordedSendDoesNotResend(t *testing.T) {
	for _, api := range []fakecoder.API{fakecoder.APITasks, fakecoder.APIChats} {
		t.Run(string(api), func(t *testing.T) {
			world, acts, task := deliverWorld(t, api)
			before := len(world.Coder.Requests())
			env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
			env.RegisterActivity(acts)
			env.SetHeartbeatDetails(progress{Start: time.Now().UnixNano(), Sent: true})
			if _, err := env.ExecuteActivity(acts.DeliverInput, activities.DeliverInputArgs{Task: task, Input: "hello"}); err != nil {
				t.Fatal(err)
			}
			if sent := world.Coder.Sent(task.ID); len(sent) != 0 {
				t.Fatalf("sent = %q, want nothing sent again", sent)
			}
			if n := len(world.Coder.Requests()) - before; n != 0 {
				t.Fatalf("%d Coder requests, want none", n)
			}
		})
	}
}

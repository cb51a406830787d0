package workflows

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/schema"
)

func jobRun() activities.JobRun {
	inputs, _ := json.Marshal(schema.JobTemplateInputs(nil, tOwner, tRepo, schema.ScheduledJob{Name: "nightly", Branch: "develop", Prompt: "Tidy up."}))
	return activities.JobRun{
		TaskNamePrefix: "gh", InstallationID: 7, Repo: activities.Repo{Owner: tOwner, Name: tRepo},
		Job:   schema.ScheduledJob{Name: "nightly", Branch: "develop", Schedule: "0 3 * * *", Prompt: "Tidy up."},
		Owner: activities.User{Login: tAssigner, ID: tAssignerID}, Input: string(inputs),
	}
}

// agentWorksThenIdles plays the agent: once the job's task exists it works
// for a moment (seen by at least one poll) and goes idle.
func (h *wfHarness) agentWorksThenIdles() {
	go func() {
		deadline := time.Now().Add(30 * time.Second)
		for len(h.world.Coder.Created()) == 0 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if len(h.world.Coder.Created()) == 0 {
			return
		}
		id := h.world.Coder.Created()[0].TaskID
		working, idle := "working", "idle"
		if err := h.world.Coder.SetTask(id, "active", &working); err != nil {
			h.t.Error(err)
		}
		if err := h.world.Coder.Hold(id); err != nil {
			h.t.Error(err)
		}
		polls := h.world.Coder.Count("GET", "/api/v2/tasks/"+tAssigner+"/"+id)
		for h.world.Coder.Count("GET", "/api/v2/tasks/"+tAssigner+"/"+id) == polls && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		if err := h.world.Coder.Release(id); err != nil {
			h.t.Error(err)
		}
		if err := h.world.Coder.SetTask(id, "active", &idle); err != nil {
			h.t.Error(err)
		}
	}()
}

func TestScheduledJobCreatesWaitsAndDeletesTask(t *testing.T) {
	h := newWFHarness(t, fakecoderDefaults())
	h.agentWorksThenIdles()
	h.env.ExecuteWorkflow(ScheduledJobWorkflowName, jobRun())
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatalf("job failed: %v", err)
	}
	task := h.onlyTask()
	if task.Owner != tAssigner || len(task.Body.Name) > MaxTaskNameLength {
		t.Fatalf("task %q for %q", task.Body.Name, task.Owner)
	}
	var inputs map[string]any
	if err := json.Unmarshal([]byte(task.Body.Input), &inputs); err != nil || inputs["ai_prompt"] != "Tidy up." || inputs["base_branch"] != "develop" {
		t.Fatalf("task inputs = %q (%v)", task.Body.Input, err)
	}
	if n := h.world.Coder.Count("DELETE", "/api/v2/tasks/"+tAssigner+"/"+task.TaskID); n != 1 {
		t.Fatalf("DELETE calls = %d, want 1", n)
	}
}

func TestScheduledJobRefusedWithoutWriteAccess(t *testing.T) {
	h := newWFHarness(t, fakecoderDefaults())
	h.world.GitHub.SetPermission(tOwner, tRepo, tAssigner, "read")
	h.env.ExecuteWorkflow(ScheduledJobWorkflowName, jobRun())
	var ae *temporal.ApplicationError
	if err := h.env.GetWorkflowError(); !errors.As(err, &ae) || ae.Type() != ErrTypeJobRefused {
		t.Fatalf("job ended with %v, want a %s error", err, ErrTypeJobRefused)
	}
	if n := len(h.world.Coder.Requests()); n != 0 {
		t.Fatalf("Coder requests = %d, want none", n)
	}
}

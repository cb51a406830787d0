package workflows

import (
	"encoding/json"
	"errors"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/schema"
)

func jobRun() activities.JobRun {
	inputs, _ := json.Marshal(schema.JobTemplateInputs(nil, "https://github.com/"+tOwner+"/"+tRepo, tRepo, schema.ScheduledJob{Name: "nightly", Branch: "develop", Prompt: "Tidy up."}))
	return activities.JobRun{
		TaskNamePrefix: "gh", InstallationID: 7, Repo: activities.Repo{Owner: tOwner, Name: tRepo},
		Job:   schema.ScheduledJob{Name: "nightly", Branch: "develop", Schedule: "0 3 * * *", Prompt: "Tidy up."},
		Owner: activities.User{Login: tAssigner, ID: tAssignerID}, Input: string(inputs),
	}
}

func TestScheduledJobCreatesWaitsAndDeletesTask(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.agentWorksThenIdles()
		h.env.ExecuteWorkflow(ScheduledJobWorkflowName, jobRun())
		if err := h.env.GetWorkflowError(); err != nil {
			t.Fatalf("job failed: %v", err)
		}
		task := h.onlyTask()
		if task.Owner != tAssigner {
			t.Fatalf("run for %q, want %q", task.Owner, tAssigner)
		}
		if h.chats() {
			// The chat's first message is the prompt; its workspace has the
			// job's branch as a parameter.
			ws := h.world.Coder.Workspaces()
			if task.Input != "Tidy up." || len(ws) != 1 || ws[0].ID != task.WorkspaceID || !hasParam(ws[0], "base_branch", "develop") || !ws[0].DeleteRequested {
				t.Fatalf("chat %+v, workspaces %+v: want the prompt, a develop workspace, deleted after", task, ws)
			}
		} else {
			var inputs map[string]any
			if err := json.Unmarshal([]byte(task.Input), &inputs); err != nil || inputs["ai_prompt"] != "Tidy up." || inputs["base_branch"] != "develop" || len(task.Name) > MaxTaskNameLength {
				t.Fatalf("task %q inputs = %q (%v)", task.Name, task.Input, err)
			}
		}
		if n := h.world.Coder.Ends(task.ID); n != 1 {
			t.Fatalf("deletes/archives = %d, want 1", n)
		}
	})
}

// hasParam reports whether a workspace was built with the parameter.
func hasParam(ws fakecoder.Workspace, name, value string) bool {
	for _, p := range ws.RichParameters {
		if p.Name == name && p.Value == value {
			return true
		}
	}
	return false
}

func TestScheduledJobRefusedWithoutWriteAccess(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetPermission(tOwner, tRepo, tAssigner, "read")
		h.env.ExecuteWorkflow(ScheduledJobWorkflowName, jobRun())
		var ae *temporal.ApplicationError
		if err := h.env.GetWorkflowError(); !errors.As(err, &ae) || ae.Type() != ErrTypeJobRefused {
			t.Fatalf("job ended with %v, want a %s error", err, ErrTypeJobRefused)
		}
		if n := len(h.world.Coder.Requests()); n != 0 {
			t.Fatalf("Coder requests = %d, want none", n)
		}
	})
}

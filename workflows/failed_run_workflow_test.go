package workflows

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

const (
	tRunSHA     = "0123456789abcdef0123456789abcdef01234567"
	tRunID      = 5001
	tHookConfig = "[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"main\"]\nprompt_additions = \"Keep the fix minimal.\"\n"
	tConfigPath = "/repos/acme/widgets/contents/.code-factory/config.toml"
)

// hookHarness runs the relay (and the failed-run workflow it starts, for
// real) with the real activities over the fakes, and records which
// failed-run workflows were started.
type hookHarness struct {
	*wfHarness
	started []string
}

// newHookHarness seeds a failed run of ci.yml on main whose head is PR #77
// by someone other than the agent, with one failed and one passing job.
// config is the default branch's .code-factory/config.toml ("" for none).
func newHookHarness(t *testing.T, config string) *hookHarness {
	return newHookHarnessOn(t, fakecoder.Options{API: fakecoder.APITasks}, config)
}

// newHookHarnessOn is newHookHarness on a Coder API of the test's choosing.
func newHookHarnessOn(t *testing.T, opts fakecoder.Options, config string) *hookHarness {
	h := &hookHarness{wfHarness: newWFHarness(t, opts)}
	h.world.GitHub.SetPullRequest(tOwner, tRepo, fakegithub.PullRequest{Number: 77, Author: "bob", HeadSHA: tRunSHA})
	h.world.GitHub.SetRunJobs(tOwner, tRepo, tRunID,
		fakegithub.Job{ID: 51, Name: "unit", Conclusion: "failure"},
		fakegithub.Job{ID: 52, Name: "lint", Conclusion: "success"})
	h.world.GitHub.SetJobLog(51, logLines("unit", 120))
	if config != "" {
		h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte(config))
	}
	h.env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		if info.WorkflowType.Name == FailedRunWorkflowName {
			h.started = append(h.started, info.WorkflowExecution.ID)
		}
	})
	return h
}

// hookRun is the failed run as the ingress classifies it; pr is the
// payload's pull request number (0: none).
func hookRun(delivery string, pr int) IssueEvent {
	e := ev(KindCIFailure, delivery)
	e.IssueNumber = 0
	e.CIFailure = &CIFailure{
		RunID: tRunID, WorkflowName: "CI", WorkflowPath: ".github/workflows/ci.yml",
		RunURL: "https://github.com/acme/widgets/actions/runs/5001", HeadSHA: tRunSHA, HeadBranch: "main",
		PRNumber: pr, Actor: Actor{Login: tAssigner, ID: tAssignerID},
	}
	return e
}

func relayInput(e IssueEvent) RelayInput {
	return RelayInput{Settings: Settings{TaskNamePrefix: "gh", AgentLogin: tAgent}, Event: e}
}

// relayOK runs the relay to completion, including any failed-run workflow
// it abandoned (the test environment waits for those).
func (h *hookHarness) relayOK(e IssueEvent) {
	h.t.Helper()
	h.env.ExecuteWorkflow(RelayWorkflowName, relayInput(e))
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("relay did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("relay failed: %v", err)
	}
}

func (h *hookHarness) statuses() []fakegithub.Status {
	return h.world.GitHub.Statuses(tOwner, tRepo, tRunSHA)
}

func wantHookID() string {
	return FailedRunWorkflowID("gh", tOwner, tRepo, tRunSHA, "ci.yml", "main")
}

func TestFailedRunHookStartsTaskThatFixesTheRun(t *testing.T) {
	for _, c := range []struct {
		name      string
		pr        fakegithub.PullRequest
		payloadPR int
	}{
		{"on someone else's PR", fakegithub.PullRequest{Number: 77, Author: "bob", HeadSHA: tRunSHA}, 77},
		{"without a PR", fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: "fedcba"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
				h := newHookHarnessOn(t, opts, tHookConfig)
				h.world.GitHub.SetPullRequest(tOwner, tRepo, c.pr)
				h.agentWorksThenIdles()
				h.relayOK(hookRun("d-run", c.payloadPR))

				if len(h.started) != 1 || h.started[0] != wantHookID() {
					t.Fatalf("failed-run workflows started = %q, want [%q]", h.started, wantHookID())
				}
				task := h.onlyTask()
				if task.Owner != tAssigner {
					t.Fatalf("run for %q, want %q", task.Owner, tAssigner)
				}
				if n := h.world.Coder.Count("GET", "/api/v2/organizations/default/templates/code-factory"); n != 1 {
					t.Errorf("code-factory template look-ups = %d, want 1", n)
				}
				prompt, branch := h.hookPrompt(task)
				if branch != "main" {
					t.Errorf("base_branch = %v, want main", branch)
				}
				for _, want := range []string{
					"CI Check Failed on branch: main\nWorkflow: CI\nRun: https://github.com/acme/widgets/actions/runs/5001\nFailed Jobs: unit\n",
					"## unit\n", "unit line 021", "unit line 120",
				} {
					if !strings.Contains(prompt, want) {
						t.Errorf("prompt lacks %q:\n%s", want, prompt)
					}
				}
				if !strings.HasSuffix(prompt, "\n\nKeep the fix minimal.") || strings.Contains(prompt, "unit line 020") || strings.Contains(prompt, "lint") {
					t.Errorf("prompt is not the last 100 lines of the failed job plus the prompt additions:\n%s", prompt)
				}

				st := h.statuses()
				if len(st) != 2 {
					t.Fatalf("commit statuses = %+v, want pending then success", st)
				}
				url := st[0].TargetURL
				if st[0].State != "pending" || st[0].Context != "code-factory/failed-run" || st[0].Description != "Task started to fix ci.yml" || url != h.runURL(task) {
					t.Errorf("first status = %+v, want pending linking %s", st[0], h.runURL(task))
				}
				if st[1].State != "success" || st[1].Context != "code-factory/failed-run" || st[1].Description != "Task finished" || st[1].TargetURL != url {
					t.Errorf("last status = %+v, want success", st[1])
				}
				if n := h.world.Coder.Ends(task.ID); n != 1 {
					t.Errorf("deletes/archives = %d, want 1", n)
				}
			})
		})
	}
}

// hookPrompt is the prompt a hook's run got, and its branch: a task's JSON
// template inputs (named after the workflow), or a chat's first message and
// its workspace's parameter.
func (h *hookHarness) hookPrompt(run fakecoder.CreateRecord) (prompt, branch string) {
	h.t.Helper()
	if run.Kind == fakecoder.KindChat {
		for _, ws := range h.world.Coder.Workspaces() {
			if ws.ID == run.WorkspaceID {
				for _, p := range ws.RichParameters {
					if p.Name == "base_branch" {
						branch = p.Value
					}
				}
			}
		}
		return run.Input, branch
	}
	if run.Name != fixTaskName("gh", wantHookID()) {
		h.t.Fatalf("task %q, want %q", run.Name, fixTaskName("gh", wantHookID()))
	}
	var inputs map[string]any
	if err := json.Unmarshal([]byte(run.Input), &inputs); err != nil {
		h.t.Fatalf("task input is not JSON template inputs: %q", run.Input)
	}
	prompt, _ = inputs["ai_prompt"].(string)
	branch, _ = inputs["base_branch"].(string)
	return prompt, branch
}

func TestFailedRunWithoutMatchingHookDoesNothing(t *testing.T) {
	for _, c := range []struct{ name, config string }{
		{"other workflow", "[[on_event.failed_run]]\nworkflows = [\"deploy.yml\", \"Deploy\"]\nbranches = [\"main\"]\n"},
		{"other branch", "[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"release\"]\n"},
		{"no config", ""},
		{"invalid config", "[[on_event.failed_run]]\nworkflows = \"ci.yml\"\nbranches = [\"main\"]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHookHarness(t, c.config)
			h.relayOK(hookRun("d-run", 77))
			if n := h.world.GitHub.Count("GET", tConfigPath); n == 0 {
				t.Fatal("the default branch's config was never read")
			}
			if len(h.started) != 0 {
				t.Fatalf("failed-run workflows started = %q, want none", h.started)
			}
			if n := len(h.world.Coder.Requests()); n != 0 {
				t.Fatalf("Coder requests = %d, want none", n)
			}
			if st := h.statuses(); len(st) != 0 {
				t.Fatalf("commit statuses = %+v, want none", st)
			}
		})
	}
}

// A fork's pull request from a branch named main matches a hook on main by
// branch name, but a hook must never run a task on a fork's code.
func TestFailedRunFromForkNeverStartsHook(t *testing.T) {
	h := newHookHarness(t, tHookConfig)
	run := hookRun("d-fork", 0)
	run.CIFailure.FromFork = true
	h.relayOK(run)
	if len(h.started) != 0 {
		t.Fatalf("failed-run workflows started = %q, want none", h.started)
	}
	if n := len(h.world.Coder.Requests()); n != 0 {
		t.Fatalf("Coder requests = %d, want none", n)
	}
	if st := h.statuses(); len(st) != 0 {
		t.Fatalf("commit statuses = %+v, want none", st)
	}
}

func TestFailedRunHookMatchesWorkflowName(t *testing.T) {
	h := newHookHarness(t, "[[on_event.failed_run]]\nworkflows = [\"CI\"]\nbranches = [\"main\"]\n")
	h.agentWorksThenIdles()
	h.relayOK(hookRun("d-run", 77))
	if len(h.started) != 1 {
		t.Fatalf("failed-run workflows started = %q, want one", h.started)
	}
	h.onlyTask()
}

func TestFailedRunOnAgentPRIsRelayedNotHooked(t *testing.T) {
	r := newRelayHarness(t, true)
	r.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte(tHookConfig))
	r.world.GitHub.SetPullRequest(tOwner, tRepo, fakegithub.PullRequest{Number: 77, Author: tAgent, HeadSHA: tRunSHA})
	r.world.GitHub.SetClosingIssues(tOwner, tRepo, 77, tIssue)
	var started int
	r.env.SetOnChildWorkflowStartedListener(func(*workflow.Info, workflow.Context, converter.EncodedValues) { started++ })
	r.relay(hookRun("d-run", 77))
	if len(r.targets) != 1 || started != 0 || r.world.GitHub.Count("GET", tConfigPath) != 0 {
		t.Fatalf("signalled %q, children %d: want only the relay to the issue", r.targets, started)
	}
}

func TestFailedRunHookRefusesActorWithoutWriteAccess(t *testing.T) {
	h := newHookHarness(t, tHookConfig)
	h.world.GitHub.SetPermission(tOwner, tRepo, tAssigner, "read")
	h.relayOK(hookRun("d-run", 77)) // the relay itself succeeds
	if len(h.started) != 1 {
		t.Fatalf("failed-run workflows started = %q, want one (which refuses)", h.started)
	}
	if n := len(h.world.Coder.Requests()); n != 0 {
		t.Fatalf("Coder requests = %d, want none", n)
	}
	if st := h.statuses(); len(st) != 0 {
		t.Fatalf("commit statuses = %+v, want none", st)
	}
}

// runFailedRun runs the failed-run workflow alone for a run triggered by
// actor and returns its error.
func (h *hookHarness) runFailedRun(actor Actor) error {
	run := *hookRun("d-run", 77).CIFailure
	run.Actor = actor
	h.env.ExecuteWorkflow(FailedRunWorkflowName, FailedRunInput{
		Settings: Settings{TaskNamePrefix: "gh", AgentLogin: tAgent}, InstallationID: 7,
		Repo: Repo{Owner: tOwner, Name: tRepo}, Run: run, PromptAdditions: "Be brief.",
	})
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("failed-run workflow did not complete")
	}
	return h.env.GetWorkflowError()
}

func TestFailedRunWorkflowRecordsRefusal(t *testing.T) {
	for _, c := range []struct {
		name, permission, want string
		actor                  Actor
	}{
		{"read access", "read", "alice, who triggered the run, has no write access", Actor{Login: tAssigner, ID: tAssignerID}},
		{"no Coder user", "write", "carol has 0 linked Coder users, not one", Actor{Login: "carol", ID: 4242}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHookHarness(t, tHookConfig)
			h.world.GitHub.SetPermission(tOwner, tRepo, c.actor.Login, c.permission)
			err := h.runFailedRun(c.actor)
			var ae *temporal.ApplicationError
			if !errors.As(err, &ae) || ae.Type() != ErrTypeJobRefused || !strings.Contains(ae.Error(), c.want) {
				t.Fatalf("workflow ended with %v, want a %s error saying %q", err, ErrTypeJobRefused, c.want)
			}
			if n := len(h.world.Coder.Created()); n != 0 {
				t.Fatalf("runs created = %d, want none", n)
			}
			if st := h.statuses(); len(st) != 0 {
				t.Fatalf("commit statuses = %+v, want none", st)
			}
		})
	}
}

func TestFailedRunTaskThatErrorsGetsErrorStatusAndIsDeleted(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newHookHarnessOn(t, opts, tHookConfig)
		h.onCreated(func(id string) {
			if err := h.world.Coder.SetFailed(id, "the model provider is down"); err != nil {
				t.Error(err)
			}
		})
		err := h.runFailedRun(Actor{Login: tAssigner, ID: tAssignerID})
		var ae *temporal.ApplicationError
		if !errors.As(err, &ae) || ae.Type() != ErrTypeTaskNotFinished {
			t.Fatalf("workflow ended with %v, want a %s error", err, ErrTypeTaskNotFinished)
		}
		task := h.onlyTask()
		st := h.statuses()
		if len(st) != 2 || st[0].State != "pending" || st[1].State != "error" || st[1].Description != "Task did not finish: the task is in an error state" {
			t.Fatalf("commit statuses = %+v, want pending then error with the reason", st)
		}
		if n := h.world.Coder.Ends(task.ID); n != 1 {
			t.Fatalf("deletes/archives = %d, want 1", n)
		}
	})
}

// relayTwice runs two relays, one after the other, as children. With
// afterDone it starts the second only once the first one's task has been
// deleted, so the failed-run workflow it started has closed.
func (h *hookHarness) relayTwice(afterDone bool) func(workflow.Context, RelayInput, RelayInput) error {
	return func(ctx workflow.Context, first, second RelayInput) error {
		if err := workflow.ExecuteChildWorkflow(ctx, RelayWorkflowName, first).Get(ctx, nil); err != nil {
			return err
		}
		for i := 0; afterDone && i < 1000; i++ {
			var deleted int
			count := func(workflow.Context) any {
				created := h.world.Coder.Created()
				if len(created) == 0 {
					return 0
				}
				return h.world.Coder.Ends(created[0].ID)
			}
			if err := workflow.SideEffect(ctx, count).Get(&deleted); err != nil {
				return err
			}
			if deleted > 0 {
				break
			}
			if err := workflow.Sleep(ctx, time.Minute); err != nil {
				return err
			}
		}
		return workflow.ExecuteChildWorkflow(ctx, RelayWorkflowName, second).Get(ctx, nil)
	}
}

func TestFailedRunHookSameRunTwiceStartsOneTask(t *testing.T) {
	for _, c := range []struct {
		name      string
		afterDone bool
	}{{"while the first task works", false}, {"after the first task finished", true}} {
		t.Run(c.name, func(t *testing.T) {
			h := newHookHarness(t, tHookConfig)
			h.env.RegisterWorkflowWithOptions(h.relayTwice(c.afterDone), workflow.RegisterOptions{Name: "test-relay-twice"})
			h.agentWorksThenIdles()
			// The second delivery is a rerun of the same workflow on the
			// same commit and branch (a new run id and delivery).
			second := hookRun("d-rerun", 77)
			second.CIFailure.RunID = tRunID + 1
			h.env.ExecuteWorkflow("test-relay-twice", relayInput(hookRun("d-run", 77)), relayInput(second))
			if err := h.env.GetWorkflowError(); err != nil {
				t.Fatalf("relays failed: %v", err)
			}
			// Each relay matches the hook; the one task reads it for its inputs.
			if n := h.world.GitHub.Count("GET", tConfigPath); n != 3 {
				t.Fatalf("config reads = %d, want 3: both relays matched the hook, one task was made", n)
			}
			if len(h.started) != 1 || h.started[0] != wantHookID() {
				t.Fatalf("failed-run workflows started = %q, want one %q", h.started, wantHookID())
			}
			task := h.onlyTask()
			if c.afterDone && h.world.Coder.Ends(task.ID) != 1 {
				t.Fatal("the first task was not deleted before the second relay")
			}
		})
	}
}

func TestFixTaskNameFitsCoder(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	a, b := wantHookID(), FailedRunWorkflowID("gh", tOwner, tRepo, tRunSHA, "ci.yml", "release/v1")
	for _, prefix := range []string{"gh", "abcdefghijklmnopqrst"} {
		na, nb := fixTaskName(prefix, a), fixTaskName(prefix, b)
		if len(na) > MaxTaskNameLength || !valid.MatchString(na) || !strings.HasPrefix(na, prefix+"-fix-") {
			t.Errorf("fixTaskName(%q) = %q: not a valid Coder task name", prefix, na)
		}
		if na == nb || na != fixTaskName(prefix, a) {
			t.Errorf("fixTaskName(%q) is not one name per workflow id: %q, %q", prefix, na, nb)
		}
	}
}

package activities_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities"
	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
	"github.com/code-factory/code-factory/schema"
)

const (
	hOwner = "acme"
	hRepo  = "widgets"
	hSHA   = "0123456789abcdef0123456789abcdef01234567"
)

var hookRepo = activities.Repo{Owner: hOwner, Name: hRepo}

// hookWorld returns the fakes and real activities talking to them, with a
// failed run 61 of ci.yml on main and the given default-branch config ("":
// none).
func hookWorld(t *testing.T, config string) (*fakeworld.World, *activities.Activities) {
	return hookWorldOn(t, fakecoder.APITasks, config)
}

// hookWorldOn is hookWorld on a Coder API of the test's choosing.
func hookWorldOn(t *testing.T, api fakecoder.API, config string) (*fakeworld.World, *activities.Activities) {
	t.Helper()
	world, acts := newWorld(t, fakeworld.Options{Coder: fakecoder.Options{API: api}})
	world.GitHub.SetRunJobs(hOwner, hRepo, 61,
		fakegithub.Job{ID: 1, Name: "test", Conclusion: "failure"},
		fakegithub.Job{ID: 2, Name: "build", Conclusion: "success"})
	world.GitHub.SetJobLog(1, "--- FAIL: TestParse\nFAIL\n")
	if config != "" {
		world.GitHub.SetFile(hOwner, hRepo, "", activities.ConfigPath, []byte(config))
	}
	return world, acts
}

func hookCIRun() activities.CIRun {
	return activities.CIRun{
		RunID: 61, WorkflowName: "CI", WorkflowPath: ".github/workflows/ci.yml",
		RunURL: "https://github.com/acme/widgets/actions/runs/61", HeadSHA: hSHA, HeadBranch: "main",
		Actor: activities.User{Login: "alice", ID: 1001},
	}
}

func TestMatchFailedRunHook(t *testing.T) {
	const hooks = "[[on_event.failed_run]]\nworkflows = [\"deploy.yml\"]\nbranches = [\"main\"]\nprompt_additions = \"Deploy.\"\n" +
		"[[on_event.failed_run]]\nworkflows = [\"ci.yml\"]\nbranches = [\"main\", \"release/*\"]\nprompt_additions = \"Fix it.\"\n"
	for _, c := range []struct {
		name, config, branch string
		want                 activities.HookMatch
	}{
		{"match", hooks, "main", activities.HookMatch{Matched: true, PromptAdditions: "Fix it."}},
		{"other branch", hooks, "develop", activities.HookMatch{Reason: "no failed_run hook matches the workflow and branch"}},
		{"no config", "", "main", activities.HookMatch{Reason: "no .code-factory/config.toml"}},
		{"invalid config", "[[on_event.failed_run]]\nbranches = [\"main\"]\n", "main", activities.HookMatch{Reason: ".code-factory/config.toml is invalid"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			world, acts := hookWorld(t, c.config)
			run := hookCIRun()
			run.HeadBranch = c.branch
			got, err := acts.MatchFailedRunHook(context.Background(), activities.HookMatchInput{InstallationID: 7, Repo: hookRepo, Run: run})
			if err != nil || got != c.want {
				t.Fatalf("MatchFailedRunHook = %+v, %v; want %+v", got, err, c.want)
			}
			// The default branch's file is read: no ref in the request.
			reqs := world.GitHub.Requests()
			if len(reqs) == 0 || !strings.HasSuffix(reqs[len(reqs)-1].Path, "/contents/"+activities.ConfigPath) || reqs[len(reqs)-1].Query != "" {
				t.Fatalf("last GitHub request = %+v, want the config on the default branch", reqs[len(reqs)-1:])
			}
		})
	}
}

func TestMatchFailedRunHookReturnsReadErrors(t *testing.T) {
	world, acts := hookWorld(t, "")
	world.GitHub.FailNext("GET", "/repos/acme/widgets/contents/", 500, 10)
	if got, err := acts.MatchFailedRunHook(context.Background(), activities.HookMatchInput{InstallationID: 7, Repo: hookRepo, Run: hookCIRun()}); err == nil || got.Matched {
		t.Fatalf("MatchFailedRunHook = %+v, %v; want the read error", got, err)
	}
}

func TestCreateFailedRunTask(t *testing.T) {
	world, acts := hookWorld(t, "[harness]\nprovider = \"codex\"\n")
	world.Coder.AddUser(1001, "alice")
	res, err := acts.CreateFailedRunTask(context.Background(), activities.FailedRunTaskInput{
		InstallationID: 7, Repo: hookRepo, Run: hookCIRun(), PromptAdditions: "Fix it.", Name: "gh-fix-0123456789ab", Owner: "alice",
	})
	if err != nil {
		t.Fatal(err)
	}
	created := world.Coder.Created()
	if len(created) != 1 || created[0].Owner != "alice" || created[0].Name != "gh-fix-0123456789ab" || created[0].ID != res.Task.ID {
		t.Fatalf("created = %+v, result %+v", created, res)
	}
	var inputs schema.TemplateInputs
	if err := json.Unmarshal([]byte(created[0].Body.Input), &inputs); err != nil {
		t.Fatalf("input %q: %v", created[0].Body.Input, err)
	}
	wantPrompt := activities.FormatCIFailure(hookCIRun(), []activities.FailedJob{{Name: "test", Log: "--- FAIL: TestParse\nFAIL"}}) + "\n\nFix it."
	if inputs.AIPrompt != wantPrompt || inputs.BaseBranch != "main" || inputs.AIProvider != schema.ProviderCodex || inputs.RepoName != hRepo {
		t.Fatalf("inputs = %+v\nwant prompt:\n%s", inputs, wantPrompt)
	}
	if !strings.HasPrefix(inputs.AIPrompt, "CI Check Failed on branch: main\n") {
		t.Fatalf("prompt does not name the branch: %q", inputs.AIPrompt)
	}
}

func TestCreateFailedRunChat(t *testing.T) {
	world, acts := hookWorldOn(t, fakecoder.APIChats, "[harness]\nprovider = \"codex\"\n")
	world.Coder.AddUser(1001, "alice")
	res, err := acts.CreateFailedRunTask(context.Background(), activities.FailedRunTaskInput{
		InstallationID: 7, Repo: hookRepo, Run: hookCIRun(), PromptAdditions: "Fix it.", Name: "gh-fix-0123456789ab", Owner: "alice",
	})
	if err != nil {
		t.Fatal(err)
	}
	created := world.Coder.Created()
	wantPrompt := activities.FormatCIFailure(hookCIRun(), []activities.FailedJob{{Name: "test", Log: "--- FAIL: TestParse\nFAIL"}}) + "\n\nFix it."
	if len(created) != 1 || created[0].Kind != fakecoder.KindChat || created[0].Owner != "alice" || created[0].Input != wantPrompt || created[0].ID != res.Task.ID {
		t.Fatalf("created = %+v, want one chat for alice whose first message is the failure summary", created)
	}
	if created[0].Labels["code-factory/run"] != "gh-fix-0123456789ab" {
		t.Fatalf("labels = %v, want the run's name", created[0].Labels)
	}
	ws := world.Coder.Workspaces()
	params := map[string]string{}
	for _, p := range ws[0].RichParameters {
		params[p.Name] = p.Value
	}
	if len(ws) != 1 || ws[0].Name != "gh-fix-0123456789ab" || params["base_branch"] != "main" || params["ai_provider"] != "codex" || params["repo_name"] != hRepo {
		t.Fatalf("workspace %+v, params %v", ws, params)
	}
	if _, ok := params["ai_prompt"]; ok {
		t.Fatal("the prompt went into a workspace parameter instead of the chat")
	}
}

func TestSetCommitStatus(t *testing.T) {
	world, acts := hookWorld(t, "")
	st := ghapi.CommitStatus{State: "pending", Context: activities.FailedRunStatusContext, Description: "Task started to fix ci.yml", TargetURL: "https://coder.example/tasks/alice/1"}
	if err := acts.SetCommitStatus(context.Background(), activities.CommitStatusInput{InstallationID: 7, Repo: hookRepo, SHA: hSHA, Status: st}); err != nil {
		t.Fatal(err)
	}
	got := world.GitHub.Statuses(hOwner, hRepo, hSHA)
	want := fakegithub.Status{State: st.State, Context: "code-factory/failed-run", Description: st.Description, TargetURL: st.TargetURL}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("statuses = %+v, want [%+v]", got, want)
	}
}

package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

const tFullConfig = `
[sandbox]
size = "large"
docker = true

[[sandbox.volumes]]
path = "/home/coder/.cache"
size = "20gb"

[harness]
provider = "codex"
`

func TestTaskFromRepoConfigUsesTemplateInputs(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APITasks})
	h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte(tFullConfig))
	h.at(0, assigned("d-assign"))
	h.at(time.Minute, closed("d-close"))
	h.mustRun()
	task := h.onlyTask()
	var inputs map[string]any
	if err := json.Unmarshal([]byte(task.Input), &inputs); err != nil {
		t.Fatalf("task input is not JSON template inputs: %q", task.Input)
	}
	want := map[string]any{
		"repo_url":  "https://github.com/acme/widgets",
		"repo_name": "widgets",
		"ai_prompt": "ISSUE_URL: https://github.com/acme/widgets/issues/42\nREPO_OWNER: acme\nREPO_NAME: widgets\nISSUE_NUMBER: 42\nREQUESTER: alice\n\n" +
			"Use the /code-factory-issue skill to resolve the issue\n",
		"ai_provider":   "codex",
		"extra_volumes": []any{map[string]any{"path": "/home/coder/.cache", "size": "20Gi"}},
		"size":          "large",
		"docker":        true,
	}
	got, _ := json.Marshal(inputs)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Fatalf("template inputs:\n%s\nwant:\n%s", got, exp)
	}
	// The code-factory template's active version was used, not task-template's.
	h.wantOnlyConfigTemplate()
}

func TestChatFromRepoConfigGetsAWorkspaceWithTheInputs(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APIChats})
	h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte(tFullConfig))
	h.at(0, assigned("d-assign"))
	h.at(time.Minute, closed("d-close"))
	h.mustRun()
	chat := h.wantIssueRun()
	ws := h.world.Coder.Workspaces()
	wantName := coder.DistinctName(tTaskName, "https://github.com/acme/widgets/issues/42")
	if len(ws) != 1 || chat.WorkspaceID != ws[0].ID || ws[0].OwnerName != tAssigner || ws[0].Name != wantName {
		t.Fatalf("workspaces = %+v, chat pinned to %q: want one for alice named %s, the chat pinned to it", ws, chat.WorkspaceID, wantName)
	}
	got, _ := json.Marshal(ws[0].RichParameters)
	want := `[{"name":"repo_url","value":"https://github.com/acme/widgets"},{"name":"repo_name","value":"widgets"},` +
		`{"name":"ai_provider","value":"codex"},{"name":"extra_volumes","value":"[{\"path\":\"/home/coder/.cache\",\"size\":\"20Gi\"}]"},` +
		`{"name":"size","value":"large"},{"name":"docker","value":"true"}]`
	if string(got) != want {
		t.Fatalf("workspace parameters:\n%s\nwant:\n%s", got, want)
	}
	if !ws[0].DeleteRequested {
		t.Fatal("the chat's workspace was not deleted when the issue closed")
	}
	h.wantOnlyConfigTemplate()
}

// wantOnlyConfigTemplate checks the code-factory template was looked up
// once and the default template not at all.
func (h *wfHarness) wantOnlyConfigTemplate() {
	h.t.Helper()
	tmplReqs := 0
	for _, r := range h.world.Coder.Requests() {
		if strings.HasSuffix(r.Path, "/templates/code-factory") {
			tmplReqs++
		}
		if strings.HasSuffix(r.Path, "/templates/task-template") {
			h.t.Fatalf("the default template was looked up for a repository with a config file")
		}
	}
	if tmplReqs != 1 {
		h.t.Fatalf("code-factory template look-ups = %d, want 1", tmplReqs)
	}
}

func TestTaskWithoutRepoConfigUsesIssueURL(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, closed("d-close"))
		h.mustRun()
		run := h.wantIssueRun()
		n := h.world.Coder.Count("GET", "/api/v2/organizations/default/templates/task-template")
		if !h.chats() {
			if run.Input != "https://github.com/acme/widgets/issues/42" || n != 1 {
				t.Fatalf("task input = %q, %d default template look-ups; want the issue URL and 1", run.Input, n)
			}
			return
		}
		// Without a config, Coder Agents picks the template itself.
		if n != 0 || run.WorkspaceID != "" || len(h.world.Coder.Workspaces()) != 0 {
			t.Fatalf("chat %+v: %d template look-ups; want no template and no workspace of ours", run, n)
		}
		if !strings.Contains(run.Input, "Fixes #42") {
			t.Fatalf("first message = %q, want it to ask for a pull request that fixes the issue", run.Input)
		}
	})
}

func TestInvalidRepoConfigExplainsAndCreatesNoTask(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte("[harness]\nprovider = \"s3cr3t-gpt\"\n"))
		h.at(0, assigned("d-assign"))
		h.mustRun()
		if n := len(h.world.Coder.Created()); n != 0 {
			t.Fatalf("runs created = %d, want 0", n)
		}
		got := h.status()
		if !strings.Contains(got, "harness.provider") || !strings.Contains(got, "line 2") || !strings.Contains(got, "assign the agent again") {
			t.Fatalf("status = %q, want the key path, line and what to do", got)
		}
		if strings.Contains(got, "s3cr3t") {
			t.Fatalf("status echoes the config value: %q", got)
		}
	})
}

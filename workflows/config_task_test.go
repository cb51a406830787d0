package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestTaskFromRepoConfigUsesTemplateInputs(t *testing.T) {
	h := newWFHarness(t, fakecoderDefaults())
	h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte(`
[sandbox]
size = "large"
docker = true

[[sandbox.volumes]]
path = "/home/coder/.cache"
size = "20gb"

[harness]
provider = "codex"
`))
	h.at(0, assigned("d-assign"))
	h.at(time.Minute, closed("d-close"))
	h.mustRun()
	task := h.onlyTask()
	var inputs map[string]any
	if err := json.Unmarshal([]byte(task.Body.Input), &inputs); err != nil {
		t.Fatalf("task input is not JSON template inputs: %q", task.Body.Input)
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
	tmplReqs := 0
	for _, r := range h.world.Coder.Requests() {
		if strings.HasSuffix(r.Path, "/templates/code-factory") {
			tmplReqs++
		}
		if strings.HasSuffix(r.Path, "/templates/task-template") {
			t.Fatalf("the default template was looked up for a repository with a config file")
		}
	}
	if tmplReqs != 1 {
		t.Fatalf("code-factory template look-ups = %d, want 1", tmplReqs)
	}
}

func TestTaskWithoutRepoConfigUsesIssueURL(t *testing.T) {
	h := newWFHarness(t, fakecoderDefaults())
	h.at(0, assigned("d-assign"))
	h.at(time.Minute, closed("d-close"))
	h.mustRun()
	task := h.onlyTask()
	if task.Body.Input != "https://github.com/acme/widgets/issues/42" {
		t.Fatalf("task input = %q, want the issue URL", task.Body.Input)
	}
	if n := h.world.Coder.Count("GET", "/api/v2/organizations/default/templates/task-template"); n != 1 {
		t.Fatalf("default template look-ups = %d, want 1", n)
	}
}

func TestInvalidRepoConfigExplainsAndCreatesNoTask(t *testing.T) {
	h := newWFHarness(t, fakecoderDefaults())
	h.world.GitHub.SetFile(tOwner, tRepo, "", ".code-factory/config.toml", []byte("[harness]\nprovider = \"s3cr3t-gpt\"\n"))
	h.at(0, assigned("d-assign"))
	h.mustRun()
	if n := h.world.Coder.Count("POST", "/api/v2/tasks"); n != 0 {
		t.Fatalf("task creations = %d, want 0", n)
	}
	got := h.status()
	if !strings.Contains(got, "harness.provider") || !strings.Contains(got, "line 2") || !strings.Contains(got, "assign the agent again") {
		t.Fatalf("status = %q, want the key path, line and what to do", got)
	}
	if strings.Contains(got, "s3cr3t") {
		t.Fatalf("status echoes the config value: %q", got)
	}
}

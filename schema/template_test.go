package schema

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIssueTemplateInputs(t *testing.T) {
	cfg, res := Parse([]byte("[sandbox]\nsize = \"large\"\ndocker = true\n[[sandbox.volumes]]\npath = \"/data\"\nsize = \"20gb\"\n[harness]\nprovider = \"codex\"\n"))
	if !res.OK() {
		t.Fatal(res.Errors)
	}
	in := IssueTemplateInputs(cfg, "https://github.com/acme/repo", "acme", "repo", "https://github.com/acme/repo/issues/42", 42, "alice")
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"repo_url":"https://github.com/acme/repo","repo_name":"repo",` +
		`"ai_prompt":"ISSUE_URL: https://github.com/acme/repo/issues/42\nREPO_OWNER: acme\nREPO_NAME: repo\nISSUE_NUMBER: 42\nREQUESTER: alice\n\nUse the /code-factory-issue skill to resolve the issue\n",` +
		`"ai_provider":"codex","extra_volumes":[{"path":"/data","size":"20Gi"}],"size":"large","docker":true}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	in.ExtraVolumes[0].Path = "/changed"
	if cfg.Sandbox.Volumes[0].Path != "/data" {
		t.Error("inputs share the config's volumes")
	}
}

func TestTemplateInputsDefaults(t *testing.T) {
	for _, cfg := range []*Config{nil, Default(), {}} {
		b, err := json.Marshal(IssueTemplateInputs(cfg, "https://github.com/o/r", "o", "r", "u", 1, "me"))
		if err != nil {
			t.Fatal(err)
		}
		want := `{"repo_url":"https://github.com/o/r","repo_name":"r","ai_prompt":"ISSUE_URL: u\nREPO_OWNER: o\nREPO_NAME: r\nISSUE_NUMBER: 1\nREQUESTER: me\n\nUse the /code-factory-issue skill to resolve the issue\n","ai_provider":"claude_code","size":"medium","docker":false}`
		if string(b) != want {
			t.Errorf("got  %s\nwant %s", b, want)
		}
	}
}

func TestJobTemplateInputs(t *testing.T) {
	job := ScheduledJob{Name: "n", Branch: "develop", Schedule: "* * * * *", Prompt: "Do the thing."}
	b, err := json.Marshal(JobTemplateInputs(nil, "https://github.com/o/r", "r", job))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"repo_url":"https://github.com/o/r","base_branch":"develop","repo_name":"r","ai_prompt":"Do the thing.","ai_provider":"claude_code","size":"medium","docker":false}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestMatchFailedRun(t *testing.T) {
	cfg, res := Parse([]byte(`
[[on_event.failed_run]]
workflows = ["ci.yml", "Deploy"]
branches = ["main", "release"]
prompt_additions = "first"

[[on_event.failed_run]]
workflows = [".github/workflows/lint.yml"]
branches = ["main"]
prompt_additions = "second"

[[on_event.failed_run]]
workflows = ["ci.yml"]
branches = ["dev"]
prompt_additions = "third"
`))
	if !res.OK() {
		t.Fatal(res.Errors)
	}
	cases := []struct {
		file, name, branch string
		want               string // prompt_additions of the match, "" for none
	}{
		{".github/workflows/ci.yml", "CI", "main", "first"},
		{"ci.yml", "", "release", "first"},
		{".github/workflows/deploy.yml", "Deploy", "main", "first"},
		{".github/workflows/lint.yml", "Lint", "main", "second"},
		{"lint.yml", "", "main", "second"},
		{".github/workflows/ci.yml", "CI", "dev", "third"},
		{".github/workflows/ci.yml", "CI", "Main", ""},
		{".github/workflows/ci.yml", "CI", "main-2", ""},
		{".github/workflows/ci.yaml", "CI", "main", ""},
		{".github/workflows/other.yml", "deploy", "main", ""},
		{"", "", "main", ""},
		{"ci.yml", "", "", ""},
	}
	for _, tc := range cases {
		hook, ok := cfg.MatchFailedRun(tc.file, tc.name, tc.branch)
		got := ""
		if ok {
			got = hook.PromptAdditions
		}
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("MatchFailedRun(%q, %q, %q) = %q, %v; want %q", tc.file, tc.name, tc.branch, got, ok, tc.want)
		}
	}
	hook, _ := cfg.MatchFailedRun("ci.yml", "", "main")
	hook.Workflows[0] = "changed"
	if cfg.OnEvent.FailedRun[0].Workflows[0] != "ci.yml" {
		t.Error("returned hook aliases the config")
	}
	var nilCfg *Config
	if _, ok := nilCfg.MatchFailedRun("ci.yml", "CI", "main"); ok {
		t.Error("nil config matched")
	}
}

func TestPRTemplateInputs(t *testing.T) {
	in := PRTemplateInputs(nil, "https://ghe.example/acme/w", "acme", "w", "https://ghe.example/acme/w/pull/9", 9, "alice", "Review this.")
	for _, want := range []string{"PR_URL: https://ghe.example/acme/w/pull/9\n", "PR_NUMBER: 9\n", "REQUESTER: alice\n", "\n\nReview this.\n"} {
		if !strings.Contains(in.AIPrompt, want) {
			t.Errorf("ai_prompt %q lacks %q", in.AIPrompt, want)
		}
	}
	if in.RepoURL != "https://ghe.example/acme/w" || in.AIProvider != ProviderClaudeCode || strings.Contains(in.AIPrompt, "skill") {
		t.Errorf("inputs = %+v", in)
	}
}

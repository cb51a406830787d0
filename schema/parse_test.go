package schema

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// secret stands for a value pasted by mistake; no message may contain it.
const secret = "s3cr3t-value"

func TestParseDefaults(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "#:schema " + SchemaID + "\n", "[sandbox]\n[harness]\n[on_event]\n"} {
		cfg, res := Parse([]byte(doc))
		if !res.OK() || len(res.Warnings) != 0 {
			t.Fatalf("%q: unexpected problems %+v", doc, res)
		}
		if !reflect.DeepEqual(cfg, Default()) {
			t.Errorf("%q: got %+v, want defaults", doc, cfg)
		}
		if err := res.Err(); err != nil {
			t.Errorf("%q: Err() = %v", doc, err)
		}
	}
}

func TestParseFull(t *testing.T) {
	doc := `
[sandbox]
size = "large"
docker = true

[[sandbox.volumes]]
path = "/data"
size = " 20 gb "

[[sandbox.volumes]]
path = "/cache"

[harness]
provider = "codex"

[[scheduled_jobs]]
name = "a"
branch = "main"
schedule = "0 9 * * MON-FRI"
prompt = "do a"
timezone = "Europe/Berlin"

[[on_event.failed_run]]
workflows = ["ci.yml", "Deploy"]
branches = ["main"]
prompt_additions = "more"

[[on_event.failed_run]]
workflows = ["lint.yml"]
branches = ["dev"]

[triggers]
phrase = "@code-agent"
assign = false
labels = ["agent", "ai"]
allowed_users = ["alice", "dependabot[bot]"]
allowed_teams = ["acme/platform", "reviewers"]
allow_bots = true

[review]
enabled = true
on = ["ready_for_review"]
paths = ["src/**", "*.go"]
skip_authors = ["renovate[bot]"]
prompt = "Look for bugs."
on_push = false

[limits]
max_concurrent_tasks = 3
`
	cfg, res := Parse([]byte(doc))
	if !res.OK() || len(res.Warnings) != 0 {
		t.Fatalf("problems: %+v", res)
	}
	want := &Config{
		Sandbox:       Sandbox{Size: SizeLarge, Docker: true, Volumes: []Volume{{Path: "/data", Size: "20Gi"}, {Path: "/cache", Size: "10Gi"}}},
		Harness:       Harness{Provider: ProviderCodex},
		ScheduledJobs: []ScheduledJob{{Name: "a", Branch: "main", Schedule: "0 9 * * MON-FRI", Prompt: "do a", Timezone: "Europe/Berlin"}},
		OnEvent: OnEvent{FailedRun: []FailedRunHook{
			{Workflows: []string{"ci.yml", "Deploy"}, Branches: []string{"main"}, PromptAdditions: "more"},
			{Workflows: []string{"lint.yml"}, Branches: []string{"dev"}},
		}},
		Triggers: Triggers{Phrase: "@code-agent", Assign: false, Mention: true, Labels: []string{"agent", "ai"},
			AllowedUsers: []string{"alice", "dependabot[bot]"}, AllowedTeams: []string{"acme/platform", "reviewers"}, AllowBots: true},
		Review: Review{Enabled: true, On: []string{ReviewReady}, Paths: []string{"src/**", "*.go"}, SkipAuthors: []string{"renovate[bot]"},
			Prompt: "Look for bugs.", OnPush: false},
		Limits: Limits{MaxConcurrentTasks: 3},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestParseInlineForms(t *testing.T) {
	doc := `sandbox = { volumes = [ { path = "/a", size = "1t" }, { path = "/b" } ] }
on_event.failed_run = [ { workflows = ["ci.yml"], branches = ["main"] } ]
`
	cfg, res := Parse([]byte(doc))
	if !res.OK() {
		t.Fatalf("problems: %+v", res)
	}
	if got := cfg.Sandbox.Volumes; !reflect.DeepEqual(got, []Volume{{"/a", "1Ti"}, {"/b", "10Gi"}}) {
		t.Errorf("volumes = %+v", got)
	}
	if len(cfg.OnEvent.FailedRun) != 1 {
		t.Errorf("failed_run = %+v", cfg.OnEvent.FailedRun)
	}
}

type problemCase struct {
	name     string
	doc      string
	errors   []string // Problem.String() of each error, in order
	warnings []string
}

func problemCases() []problemCase {
	job := func(name string) string {
		return "[[scheduled_jobs]]\nname = \"" + name + "\"\nbranch = \"main\"\nschedule = \"0 * * * *\"\nprompt = \"p\"\n"
	}
	return []problemCase{
		{name: "bad sandbox size", doc: "[sandbox]\nsize = \"" + secret + "\"\n",
			errors: []string{`line 2: sandbox.size: must be one of "small", "medium", "large"`}},
		{name: "sandbox size wrong type", doc: "[sandbox]\nsize = 3\n",
			errors: []string{`line 2: sandbox.size: expected a string`}},
		{name: "docker not a boolean", doc: "[sandbox]\ndocker = \"" + secret + "\"\n",
			errors: []string{`line 2: sandbox.docker: expected a boolean`}},
		{name: "sandbox not a table", doc: "sandbox = \"" + secret + "\"\n",
			errors: []string{`line 1: sandbox: expected a table`}},
		{name: "bad volume size", doc: "[sandbox]\ndocker = true\n\n[[sandbox.volumes]]\npath = \"/a\"\n[[sandbox.volumes]]\nsize = \"" + secret + "\"\npath = \"/b\"\n",
			errors: []string{`line 7: sandbox.volumes[1].size: expected a size like "10Gi"`}},
		{name: "volume size wrong type", doc: "[[sandbox.volumes]]\npath = \"/a\"\nsize = 10\n",
			errors: []string{`line 3: sandbox.volumes[0].size: expected a string`}},
		{name: "volume without path", doc: "[sandbox]\n[[sandbox.volumes]]\nsize = \"1G\"\n",
			errors: []string{`line 2: sandbox.volumes[0].path: is required`}},
		{name: "volume blank path", doc: "[[sandbox.volumes]]\npath = \"  \"\n",
			errors: []string{`line 2: sandbox.volumes[0].path: must not be empty`}},
		{name: "volumes not an array", doc: "[sandbox.volumes]\npath = \"/a\"\n",
			errors: []string{`line 1: sandbox.volumes: expected an array of tables`}},
		{name: "volume not a table", doc: "[sandbox]\nvolumes = [\"" + secret + "\"]\n",
			errors: []string{`line 2: sandbox.volumes[0]: expected a table`}},
		{name: "unknown provider", doc: "[harness]\nprovider = \"" + secret + "\"\n",
			errors: []string{`line 2: harness.provider: must be one of "claude_code", "codex"`}},
		{name: "provider is case-sensitive", doc: "[harness]\nprovider = \"Codex\"\n",
			errors: []string{`line 2: harness.provider: must be one of "claude_code", "codex"`}},
		{name: "harness not a table", doc: "harness = [1]\n",
			errors: []string{`line 1: harness: expected a table`}},
		{name: "job missing fields", doc: "[[scheduled_jobs]]\nname = \"x\"\n",
			errors: []string{
				`line 1: scheduled_jobs[0].branch: is required`,
				`line 1: scheduled_jobs[0].schedule: is required`,
				`line 1: scheduled_jobs[0].prompt: is required`,
			}},
		{name: "job empty fields", doc: "[[scheduled_jobs]]\nname = \"\"\nbranch = \" \"\nschedule = \"\"\nprompt = \"\"\"\n\n\"\"\"\n",
			errors: []string{
				`line 2: scheduled_jobs[0].name: must not be empty`,
				`line 3: scheduled_jobs[0].branch: must not be empty`,
				`line 4: scheduled_jobs[0].schedule: must not be empty`,
				`line 5: scheduled_jobs[0].prompt: must not be empty`,
			}},
		{name: "job wrong types", doc: "[[scheduled_jobs]]\nname = 1\nbranch = true\nschedule = 1979-05-27\nprompt = [\"" + secret + "\"]\n",
			errors: []string{
				`line 2: scheduled_jobs[0].name: expected a string`,
				`line 3: scheduled_jobs[0].branch: expected a string`,
				`line 4: scheduled_jobs[0].schedule: expected a string`,
				`line 5: scheduled_jobs[0].prompt: expected a string`,
			}},
		{name: "bad cron", doc: job("a") + strings.Replace(job("b"), "0 * * * *", "0 24 * * *", 1),
			errors: []string{`line 9: scheduled_jobs[1].schedule: invalid cron expression: hour: value out of range 0-23`}},
		{name: "cron field count", doc: strings.Replace(job("a"), "0 * * * *", secret, 1),
			errors: []string{`line 4: scheduled_jobs[0].schedule: invalid cron expression: expected 5 fields (minute hour day-of-month month day-of-week), got 1`}},
		{name: "cron with secret in a field", doc: strings.Replace(job("a"), "0 * * * *", "0 * * * "+secret, 1),
			errors: []string{`line 4: scheduled_jobs[0].schedule: invalid cron expression: day-of-week: expected a number or a name SUN-SAT`}},
		{name: "unknown timezone", doc: job("a") + "timezone = \"Mars/" + secret + "\"\n",
			errors: []string{`line 6: scheduled_jobs[0].timezone: expected an IANA time zone name such as "Europe/Berlin"`}},
		{name: "timezone not a zone name", doc: job("a") + "timezone = \"UTC+2 " + secret + "\"\n",
			errors: []string{`line 6: scheduled_jobs[0].timezone: expected an IANA time zone name such as "Europe/Berlin"`}},
		{name: "timezone wrong type", doc: job("a") + "timezone = 2\n",
			errors: []string{`line 6: scheduled_jobs[0].timezone: expected a string`}},
		{name: "duplicate job name", doc: job(secret) + job("other") + job(secret),
			errors: []string{`line 12: scheduled_jobs[2].name: duplicate job name (also scheduled_jobs[0])`}},
		{name: "jobs not an array", doc: "scheduled_jobs = \"" + secret + "\"\n",
			errors: []string{`line 1: scheduled_jobs: expected an array of tables`}},
		{name: "failed_run missing lists", doc: "[on_event]\n[[on_event.failed_run]]\nprompt_additions = \"x\"\n",
			errors: []string{
				`line 2: on_event.failed_run[0].workflows: is required`,
				`line 2: on_event.failed_run[0].branches: is required`,
			}},
		{name: "failed_run empty lists", doc: "[[on_event.failed_run]]\nworkflows = []\nbranches = []\n",
			errors: []string{
				`line 2: on_event.failed_run[0].workflows: must contain at least one entry`,
				`line 3: on_event.failed_run[0].branches: must contain at least one entry`,
			}},
		{name: "failed_run wrong types", doc: "[[on_event.failed_run]]\nworkflows = \"ci.yml\"\nbranches = [\"main\", 3, \"\"]\nprompt_additions = 5\n",
			errors: []string{
				`line 2: on_event.failed_run[0].workflows: expected an array of strings`,
				`line 3: on_event.failed_run[0].branches[1]: expected a string`,
				`line 3: on_event.failed_run[0].branches[2]: must not be empty`,
				`line 4: on_event.failed_run[0].prompt_additions: expected a string`,
			}},
		{name: "multi-line list element lines", doc: "[[on_event.failed_run]]\nworkflows = [\n  \"ci.yml\",\n  \"\",\n]\nbranches = [\"main\"]\n",
			errors: []string{`line 4: on_event.failed_run[0].workflows[1]: must not be empty`}},
		{name: "on_event not a table", doc: "on_event = 1\n",
			errors: []string{`line 1: on_event: expected a table`}},
		{name: "unknown keys are warnings", doc: "future = \"" + secret + "\"\n[sandbox]\ngpu = true\n[[sandbox.volumes]]\npath = \"/a\"\nmode = \"rw\"\n[harness]\nmodel = \"x\"\n[\"odd.key\"]\nx = 1\n[on_event]\npush = []\n[[on_event.failed_run]]\nworkflows = [\"a\"]\nbranches = [\"b\"]\nextra = 1\n[[scheduled_jobs]]\nname = \"n\"\nbranch = \"b\"\nschedule = \"* * * * *\"\nprompt = \"p\"\nretries = 3\n",
			warnings: []string{
				`line 1: future: unknown key, ignored`,
				`line 3: sandbox.gpu: unknown key, ignored`,
				`line 6: sandbox.volumes[0].mode: unknown key, ignored`,
				`line 8: harness.model: unknown key, ignored`,
				`line 9: "odd.key": unknown key, ignored`,
				`line 12: on_event.push: unknown key, ignored`,
				`line 16: on_event.failed_run[0].extra: unknown key, ignored`,
				`line 22: scheduled_jobs[0].retries: unknown key, ignored`,
			}},
		{name: "errors and warnings together", doc: "[sandbox]\ncolour = \"red\"\nsize = \"huge\"\n",
			errors:   []string{`line 3: sandbox.size: must be one of "small", "medium", "large"`},
			warnings: []string{`line 2: sandbox.colour: unknown key, ignored`}},
		{name: "syntax error: unquoted value", doc: "[sandbox]\nsize = " + secret + "\n",
			errors: []string{`line 2: invalid TOML at column 8: unexpected character at start of value`}},
		{name: "syntax error: unterminated string", doc: "[sandbox]\n\nsize = \"" + secret + "\nx = 1\n",
			errors: []string{`line 3: invalid TOML at column 21: basic strings cannot have new lines`}},
		{name: "syntax error: duplicate key", doc: "[sandbox]\nsize = \"small\"\nsize = \"" + secret + "\"\n",
			errors: []string{`line 3: invalid TOML at column 1: key size is already defined`}},
		{name: "syntax error: bad number", doc: "[sandbox]\nsize = 1e99999\n",
			errors: []string{`line 2: invalid TOML at column 8: invalid number`}},
		{name: "syntax error: punctuation from the document", doc: "[sandbox]\nsize = ]\n",
			errors: []string{`line 2: invalid TOML at column 8: unexpected character at start of value`}},
		{name: "syntax error: unclosed table", doc: "[sandbox\n",
			errors: []string{`line 1: invalid TOML at column 9: expected ']' to close table name`}},
		{name: "syntax error: trailing text", doc: "[sandbox]\nsize = \"small\" " + secret + "\n",
			errors: []string{`line 2: invalid TOML at column 16: expected newline`}},
	}
}

func TestParseProblems(t *testing.T) {
	for _, tc := range problemCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg, res := Parse([]byte(tc.doc))
			got, gotW := strs(res.Errors), strs(res.Warnings)
			if !reflect.DeepEqual(got, nonNil(tc.errors)) {
				t.Errorf("errors:\n got  %q\n want %q", got, tc.errors)
			}
			if !reflect.DeepEqual(gotW, nonNil(tc.warnings)) {
				t.Errorf("warnings:\n got  %q\n want %q", gotW, tc.warnings)
			}
			if res.OK() != (len(tc.errors) == 0) {
				t.Errorf("OK() = %v", res.OK())
			}
			if (cfg == nil) == res.OK() {
				t.Errorf("config %v returned with OK() = %v", cfg, res.OK())
			}
			for _, m := range append(got, gotW...) {
				if strings.Contains(m, secret) || strings.Contains(m, "s3cr3t") {
					t.Errorf("message echoes the value: %s", m)
				}
			}
			err := res.Err()
			if len(tc.errors) == 0 {
				if err != nil {
					t.Errorf("Err() = %v, want nil", err)
				}
				return
			}
			var inv *InvalidError
			if !errors.As(err, &inv) || len(inv.Errors) != len(tc.errors) {
				t.Fatalf("Err() = %#v, want *InvalidError", err)
			}
			if strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), tc.errors[0]) {
				t.Errorf("Err().Error() = %q", err.Error())
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	cases := map[Problem]string{
		{Path: "a.b", Line: 3, Rule: "r"}: "line 3: a.b: r",
		{Path: "a.b", Rule: "r"}:          "a.b: r",
		{Line: 2, Rule: "r"}:              "line 2: r",
		{Rule: "r"}:                       "r",
	}
	for p, want := range cases {
		if got := p.String(); got != want {
			t.Errorf("%+v: got %q want %q", p, got, want)
		}
	}
}

func strs(ps []Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

package schema

import (
	"encoding/json"
	"strings"
	"testing"

	toml "github.com/pelletier/go-toml/v2"
)

func TestJSONSchemaHeader(t *testing.T) {
	s := loadSchema(t)
	for key, want := range map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     SchemaID,
		"title":   "code-factory repository config",
		"type":    "object",
	} {
		if s[key] != want {
			t.Errorf("%s = %v, want %v", key, s[key], want)
		}
	}
	if d, _ := s["description"].(string); d == "" {
		t.Error("no description")
	}
	if _, ok := s["$defs"]; ok {
		t.Error("schema uses $defs; it should be one tree")
	}
	if strings.Contains(string(JSONSchema()), `"additionalProperties"`) {
		t.Error("additionalProperties present; unknown keys must be allowed")
	}
}

// at walks a chain of "properties"/"items" from the root.
func at(t *testing.T, s map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := s
	for _, p := range path {
		var next any
		if p == "[]" {
			next = cur["items"]
		} else {
			props, _ := cur["properties"].(map[string]any)
			next = props[p]
		}
		m, ok := next.(map[string]any)
		if !ok {
			t.Fatalf("schema has no %v", path)
		}
		cur = m
	}
	return cur
}

func TestJSONSchemaContent(t *testing.T) {
	s := loadSchema(t)
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	checks := []struct {
		path      []string
		key, want string
	}{
		{[]string{"sandbox", "size"}, "enum", `["small","medium","large"]`},
		{[]string{"sandbox", "size"}, "default", `"medium"`},
		{[]string{"sandbox", "docker"}, "type", `"boolean"`},
		{[]string{"sandbox", "docker"}, "default", `false`},
		{[]string{"sandbox", "volumes"}, "type", `"array"`},
		{[]string{"sandbox", "volumes", "[]"}, "required", `["path"]`},
		{[]string{"sandbox", "volumes", "[]", "size"}, "default", `"10Gi"`},
		{[]string{"sandbox", "volumes", "[]", "size"}, "pattern", js(SizePattern)},
		{[]string{"sandbox", "volumes", "[]", "path"}, "pattern", js(NonBlankPattern)},
		{[]string{"harness", "provider"}, "enum", `["claude_code","codex"]`},
		{[]string{"harness", "provider"}, "default", `"claude_code"`},
		{[]string{"scheduled_jobs", "[]"}, "required", `["name","branch","schedule","prompt"]`},
		{[]string{"scheduled_jobs", "[]", "name"}, "pattern", js(NonBlankPattern)},
		{[]string{"scheduled_jobs", "[]", "timezone"}, "pattern", js(TimezonePattern)},
		{[]string{"on_event", "failed_run", "[]"}, "required", `["workflows","branches"]`},
		{[]string{"on_event", "failed_run", "[]", "workflows"}, "minItems", `1`},
		{[]string{"on_event", "failed_run", "[]", "branches"}, "minItems", `1`},
		{[]string{"on_event", "failed_run", "[]", "branches", "[]"}, "pattern", js(NonBlankPattern)},
		{[]string{"on_event", "failed_run", "[]", "prompt_additions"}, "type", `"string"`},
	}
	for _, c := range checks {
		if got := js(at(t, s, c.path...)[c.key]); got != c.want {
			t.Errorf("%v.%s = %s, want %s", c.path, c.key, got, c.want)
		}
	}
	if _, ok := at(t, s, "sandbox")["required"]; ok {
		t.Error("sandbox has required keys")
	}
}

// stricterThanSchema lists documents the schema accepts but Parse rejects on
// purpose: JSON Schema cannot express cron syntax, unique job names or
// whether a well-formed zone name is in the IANA database.
func stricterThanSchema() []struct{ name, doc string } {
	return []struct{ name, doc string }{
		{"cron hour out of range", jobDoc("a", "0 24 * * *")},
		{"cron with six fields", jobDoc("a", "0 0 * * * *")},
		{"cron macro", jobDoc("a", "@daily")},
		{"cron bad step", jobDoc("a", "*/0 * * * *")},
		{"duplicate job names", jobDoc("a", "0 * * * *") + jobDoc("b", "0 * * * *") + jobDoc("a", "5 * * * *")},
		{"timezone shaped like a zone but unknown", jobDoc("a", "0 * * * *") + "timezone = \"Mars/Olympus\"\n"},
		{"timezone Local", jobDoc("a", "0 * * * *") + "timezone = \"Local\"\n"},
		{"bad glob", "[review]\npaths = [\"src/[\"]\n"},
	}
}

// stricterCaseNames are problemCases that belong to the table above.
func stricterCaseNames() map[string]bool {
	return map[string]bool{
		"bad cron": true, "cron field count": true, "cron with secret in a field": true, "duplicate job name": true,
		"unknown timezone": true,
	}
}

func jobDoc(name, schedule string) string {
	return "[[scheduled_jobs]]\nname = \"" + name + "\"\nbranch = \"main\"\nschedule = \"" + schedule + "\"\nprompt = \"p\"\n"
}

// agreementDocs are extra documents beyond problemCases.
func agreementDocs() []string {
	return []string{
		"",
		"[sandbox]\nsize = \"small\"\ndocker = false\n",
		"[[sandbox.volumes]]\npath = \"/x\"\nsize = \"3 tb\"\n",
		"[[sandbox.volumes]]\npath = \"/x\"\nsize = \"3 pb\"\n",
		"[[sandbox.volumes]]\npath = \"/x\"\nsize = \"10\"\n",
		"[[sandbox.volumes]]\npath = \"\"\n",
		"[[sandbox.volumes]]\npath = \"\\u00a0\"\n",
		"sandbox.docker = 1\n",
		"sandbox.size = 1.5\n",
		"harness.provider = \"codex\"\n",
		"harness.provider = \"\"\n",
		"scheduled_jobs = []\n",
		"scheduled_jobs = [1]\n",
		"scheduled_jobs = [{name = \"n\", branch = \"b\", schedule = \"* * * * *\", prompt = \"p\"}]\n",
		"on_event = {}\n",
		"on_event.failed_run = []\n",
		"[[on_event.failed_run]]\nworkflows = [\"a\"]\nbranches = [\"b\"]\n",
		"[[on_event.failed_run]]\nworkflows = [[\"a\"]]\nbranches = [\"b\"]\n",
		"[[on_event.failed_run]]\nworkflows = [\"a\"]\nbranches = [\" \"]\n",
		"[[on_event.failed_run]]\nworkflows = [\"a\"]\nbranches = [\"b\"]\nprompt_additions = \"\"\n",
		"[[on_event.failed_run]]\nworkflows = [\"a\"]\nbranches = [\"b\"]\nprompt_additions = 2021-01-01T00:00:00Z\n",
		"whatever = { nested = [1, 2] }\n",
		jobDoc("x", "0 9 * * 1"),
		"[review]\nenabled = true\non = [\"opened\"]\nskip_authors = [\"renovate[bot]\"]\n",
		"[review]\non = [\"closed\"]\n",
		"[review]\nskip_authors = [\"not a login\"]\n",
		"[review]\nprompt = \"\"\n",
		"[review]\non_push = \"no\"\n",
		"[limits]\nmax_concurrent_tasks = 0\n",
		"[limits]\nmax_concurrent_tasks = 1001\n",
		"[limits]\nmax_concurrent_tasks = 2.5\n",
		"[limits]\nmax_concurrent_tasks = 4\n",
		"[triggers]\nallowed_teams = [\"acme/platform\", \"reviewers\"]\n",
		"[triggers]\nallowed_teams = [\"a/b/c\"]\n",
	}
}

func schemaVerdict(t *testing.T, s map[string]any, doc string) (bool, []string) {
	t.Helper()
	var v map[string]any
	if err := toml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("document does not decode: %v", err)
	}
	if v == nil {
		v = map[string]any{}
	}
	violations := checkSchema(t, s, v, "$")
	return len(violations) == 0, violations
}

func TestSchemaAgreesWithParse(t *testing.T) {
	s := loadSchema(t)
	docs := agreementDocs()
	stricter := stricterCaseNames()
	for _, tc := range problemCases() {
		if !strings.HasPrefix(tc.name, "syntax error") && !stricter[tc.name] {
			docs = append(docs, tc.doc)
		}
	}
	docs = append(docs, docExamples(t)...)
	valid := 0
	for _, doc := range docs {
		_, res := Parse([]byte(doc))
		ok, violations := schemaVerdict(t, s, doc)
		if ok != res.OK() {
			t.Errorf("disagreement on\n%s\nschema: %v %q\nparse: %v %v", doc, ok, violations, res.OK(), strs(res.Errors))
		}
		if ok {
			valid++
		}
	}
	if valid == 0 || valid == len(docs) {
		t.Errorf("table is one-sided: %d of %d valid", valid, len(docs))
	}
}

func TestParseStricterThanSchema(t *testing.T) {
	s := loadSchema(t)
	for _, tc := range stricterThanSchema() {
		ok, violations := schemaVerdict(t, s, tc.doc)
		if !ok {
			t.Errorf("%s: schema rejects it (%q); move it to the agreement table", tc.name, violations)
		}
		if _, res := Parse([]byte(tc.doc)); res.OK() {
			t.Errorf("%s: Parse accepts it", tc.name)
		}
	}
}

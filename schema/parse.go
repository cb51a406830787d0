package schema

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
)

// Rules reported by Parse. Tests and callers may compare against them.
const (
	// RuleBoolean: the value is not a boolean.
	RuleBoolean = "expected a boolean"
	// RuleString: the value is not a string.
	RuleString = "expected a string"
	// RuleTable: the value is not a table.
	RuleTable = "expected a table"
	// RuleTableArray: the value is not an array of tables.
	RuleTableArray = "expected an array of tables"
	// RuleStringArray: the value is not an array of strings.
	RuleStringArray = "expected an array of strings"
	// RuleRequired: a required key is missing.
	RuleRequired = "is required"
	// RuleNotEmpty: a string is empty or blank.
	RuleNotEmpty = "must not be empty"
	// RuleMinOne: a list is empty.
	RuleMinOne = "must contain at least one entry"
	// RuleSize: a volume size does not match SizePattern.
	RuleSize = `expected a size like "10Gi"`
	// RuleUnknownKey: the key is not part of the schema (a warning).
	RuleUnknownKey = "unknown key, ignored"
	// RuleCronPrefix starts the rule of a schedule ParseCron rejects.
	RuleCronPrefix = "invalid cron expression: "
	// RuleTimezone: a timezone that is not an IANA zone name.
	RuleTimezone = `expected an IANA time zone name such as "Europe/Berlin"`
	// RuleDuplicateName is a format: %s is the path of the first job with the name.
	RuleDuplicateName = "duplicate job name (also %s)"
)

// Parse decodes and validates a `.code-factory/config.toml` document. When
// the Result has no errors the Config is complete: defaults applied, volume
// sizes normalized. When it has errors the Config is nil. The Result is
// never nil. No problem ever quotes a value from data.
func Parse(data []byte) (*Config, *Result) {
	res := &Result{Errors: []Problem{}, Warnings: []Problem{}}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		res.Errors = append(res.Errors, syntaxProblem(err))
		return nil, res
	}
	d := &decoder{lines: indexLines(data), res: res, re: compilePatterns()}
	cfg := Default()
	d.config(doc, cfg)
	sortProblems(res.Errors)
	sortProblems(res.Warnings)
	if !res.OK() {
		return nil, res
	}
	return cfg, res
}

// sortProblems orders problems by line, keeping discovery order otherwise.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
}

// quotedText matches quoted text (and the code point before it) in go-toml
// messages; such text may come from the document.
const quotedText = `\s*(U\+[0-9A-Fa-f]+\s*)?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")`

// syntaxProblem reports a TOML syntax error by position, scrubbing anything
// in go-toml's message that could be text from the document.
func syntaxProblem(err error) Problem {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return Problem{Rule: "invalid TOML"}
	}
	line, col := de.Position()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	msg = regexp.MustCompile(quotedText).ReplaceAllStringFunc(msg, func(q string) string {
		// Keep go-toml's own punctuation hints such as ']' and '='.
		if regexp.MustCompile(`^\s*'[\[\]=.,{}]{1,2}'$`).MatchString(q) {
			return q
		}
		return ""
	})
	msg = regexp.MustCompile(`\s*U\+[0-9A-Fa-f]+`).ReplaceAllString(msg, "")
	switch {
	case strings.Contains(msg, "strconv."):
		msg = "invalid number"
	case strings.HasSuffix(msg, " but got"):
		msg = strings.TrimSuffix(msg, " but got")
	}
	return Problem{Line: line, Rule: fmt.Sprintf("invalid TOML at column %d: %s", col, strings.TrimSpace(msg))}
}

// decoder checks the generic document against the schema and fills a Config.
type decoder struct {
	lines *lineIndex
	res   *Result
	re    patterns
}

func (d *decoder) fail(path, rule string) {
	d.res.Errors = append(d.res.Errors, Problem{Path: path, Line: d.lines.lineOf(path), Rule: rule})
}

func (d *decoder) warn(path, rule string) {
	d.res.Warnings = append(d.res.Warnings, Problem{Path: path, Line: d.lines.lineOf(path), Rule: rule})
}

// unknown warns about every key of m that is not in known, in sorted order.
func (d *decoder) unknown(base string, m map[string]any, known ...string) {
	var extra []string
	for k := range m {
		if !contains(known, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		d.warn(joinPath(base, k), RuleUnknownKey)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (d *decoder) config(doc map[string]any, cfg *Config) {
	d.unknown("", doc, "sandbox", "harness", "scheduled_jobs", "on_event", "triggers", "review", "limits")
	if t, ok := d.table("sandbox", doc); ok {
		d.sandbox(t, &cfg.Sandbox)
	}
	if t, ok := d.table("harness", doc); ok {
		d.harness(t, &cfg.Harness)
	}
	if list, ok := d.tableArray("scheduled_jobs", doc); ok {
		d.jobs(list, cfg)
	}
	if t, ok := d.table("on_event", doc); ok {
		d.onEvent(t, &cfg.OnEvent)
	}
	if t, ok := d.table("triggers", doc); ok {
		d.triggers(t, &cfg.Triggers)
	}
	if t, ok := d.table("review", doc); ok {
		d.review(t, &cfg.Review)
	}
	if t, ok := d.table("limits", doc); ok {
		d.limits(t, &cfg.Limits)
	}
}

func (d *decoder) sandbox(t map[string]any, s *Sandbox) {
	d.unknown("sandbox", t, "size", "docker", "volumes")
	if v, ok := d.str("sandbox.size", t, "size"); ok {
		if size := SandboxSize(v); size.Valid() {
			s.Size = size
		} else {
			d.fail("sandbox.size", oneOf(SandboxSizes()))
		}
	}
	if v, present := t["docker"]; present {
		if b, ok := v.(bool); ok {
			s.Docker = b
		} else {
			d.fail("sandbox.docker", RuleBoolean)
		}
	}
	list, ok := d.tableArray("sandbox.volumes", t)
	if !ok {
		return
	}
	for i, item := range list {
		base := indexPath("sandbox.volumes", i)
		m, ok := item.(map[string]any)
		if !ok {
			d.fail(base, RuleTable)
			continue
		}
		d.unknown(base, m, "path", "size")
		vol := Volume{Size: DefaultVolumeSize}
		vol.Path, _ = d.required(base, m, "path")
		if v, ok := d.str(base+".size", m, "size"); ok {
			if d.re.size.MatchString(v) {
				vol.Size = normalizeMatched(v)
			} else {
				d.fail(base+".size", RuleSize)
			}
		}
		s.Volumes = append(s.Volumes, vol)
	}
}

func (d *decoder) harness(t map[string]any, h *Harness) {
	d.unknown("harness", t, "provider")
	if v, ok := d.str("harness.provider", t, "provider"); ok {
		if p := Provider(v); p.Valid() {
			h.Provider = p
		} else {
			d.fail("harness.provider", oneOf(Providers()))
		}
	}
}

func (d *decoder) jobs(list []any, cfg *Config) {
	first := map[string]int{}
	for i, item := range list {
		base := indexPath("scheduled_jobs", i)
		m, ok := item.(map[string]any)
		if !ok {
			d.fail(base, RuleTable)
			continue
		}
		d.unknown(base, m, "name", "branch", "schedule", "prompt", "timezone")
		var job ScheduledJob
		var nameOK, schedOK bool
		job.Name, nameOK = d.required(base, m, "name")
		job.Branch, _ = d.required(base, m, "branch")
		job.Schedule, schedOK = d.required(base, m, "schedule")
		job.Prompt, _ = d.required(base, m, "prompt")
		if tz, ok := d.str(base+".timezone", m, "timezone"); ok {
			if err := ValidTimezone(tz); err != nil {
				d.fail(base+".timezone", RuleTimezone)
			} else {
				job.Timezone = tz
			}
		}
		if schedOK {
			if err := ParseCron(job.Schedule); err != nil {
				d.fail(base+".schedule", RuleCronPrefix+err.Error())
			}
		}
		if nameOK {
			if j, dup := first[job.Name]; dup {
				d.fail(base+".name", fmt.Sprintf(RuleDuplicateName, indexPath("scheduled_jobs", j)))
			} else {
				first[job.Name] = i
			}
		}
		cfg.ScheduledJobs = append(cfg.ScheduledJobs, job)
	}
}

func (d *decoder) onEvent(t map[string]any, o *OnEvent) {
	d.unknown("on_event", t, "failed_run")
	list, ok := d.tableArray("on_event.failed_run", t)
	if !ok {
		return
	}
	for i, item := range list {
		base := indexPath("on_event.failed_run", i)
		m, ok := item.(map[string]any)
		if !ok {
			d.fail(base, RuleTable)
			continue
		}
		d.unknown(base, m, "workflows", "branches", "prompt_additions")
		var hook FailedRunHook
		hook.Workflows = d.stringList(base, m, "workflows")
		hook.Branches = d.stringList(base, m, "branches")
		hook.PromptAdditions, _ = d.str(base+".prompt_additions", m, "prompt_additions")
		o.FailedRun = append(o.FailedRun, hook)
	}
}

// table returns m[key] as a table; absent is not an error.
func (d *decoder) table(key string, m map[string]any) (map[string]any, bool) {
	v, present := m[key]
	if !present {
		return nil, false
	}
	t, ok := v.(map[string]any)
	if !ok {
		d.fail(key, RuleTable)
	}
	return t, ok
}

// tableArray returns m[last key of path] as a list; absent is not an error.
// Elements are checked by the caller.
func (d *decoder) tableArray(path string, m map[string]any) ([]any, bool) {
	key := path[strings.LastIndexByte(path, '.')+1:]
	v, present := m[key]
	if !present {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		d.fail(path, RuleTableArray)
	}
	return list, ok
}

// str returns m[key] as a string; absent is not an error.
func (d *decoder) str(path string, m map[string]any, key string) (string, bool) {
	v, present := m[key]
	if !present {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		d.fail(path, RuleString)
	}
	return s, ok
}

// required returns m[key] as a non-blank string, reporting when it is not.
func (d *decoder) required(base string, m map[string]any, key string) (string, bool) {
	path := base + "." + key
	if _, present := m[key]; !present {
		d.fail(path, RuleRequired)
		return "", false
	}
	s, ok := d.str(path, m, key)
	if ok && !d.re.nonBlank.MatchString(s) {
		d.fail(path, RuleNotEmpty)
		return s, false
	}
	return s, ok
}

// stringList returns m[key] as a required, non-empty list of non-blank strings.
func (d *decoder) stringList(base string, m map[string]any, key string) []string {
	path := base + "." + key
	v, present := m[key]
	if !present {
		d.fail(path, RuleRequired)
		return nil
	}
	if list, ok := v.([]any); ok && len(list) == 0 {
		d.fail(path, RuleMinOne)
		return nil
	}
	return d.optionalStrings(path, m, key, nil)
}

// oneOf renders `must be one of "a", "b"`.
func oneOf[T ~string](values []T) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = `"` + string(v) + `"`
	}
	return "must be one of " + strings.Join(q, ", ")
}

package schema

import (
	"strings"
	"testing"
)

func TestParseTriggerProblems(t *testing.T) {
	doc := `[triggers]
phrase = "s3cr3t-value"
mention = "yes"
labels = ["", 3]
allowed_users = ["not a login s3cr3t-value"]
colour = "blue"
`
	_, res := Parse([]byte(doc))
	got := strs(res.Errors)
	want := []string{
		"line 2: triggers.phrase: " + RulePhrase,
		"line 3: triggers.mention: " + RuleBoolean,
		"line 4: triggers.labels[0]: " + RuleNotEmpty,
		"line 4: triggers.labels[1]: " + RuleString,
		"line 5: triggers.allowed_users[0]: " + RuleLogin,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w := strs(res.Warnings); len(w) != 1 || !strings.Contains(w[0], "triggers.colour") {
		t.Errorf("warnings = %q", w)
	}
	if strings.Contains(strings.Join(append(got, strs(res.Warnings)...), " "), "s3cr3t-value") {
		t.Error("a problem quotes a value")
	}
}

func TestTriggersPolicy(t *testing.T) {
	cfg, res := Parse([]byte("[sandbox]\nsize = \"small\"\n"))
	if !res.OK() || cfg.Triggers.EffectivePhrase("agent") != "@agent" || !cfg.Triggers.Assign || !cfg.Triggers.Mention {
		t.Fatalf("defaults = %+v", cfg.Triggers)
	}
	d := DefaultTriggers()
	if ok, _ := d.MayStart("alice", false); !ok {
		t.Error("a writer is refused by default")
	}
	if ok, why := d.MayStart("renovate[bot]", false); ok || !strings.Contains(why, "allow_bots") {
		t.Errorf("a bot = %v %q", ok, why)
	}
	narrow := Triggers{AllowedUsers: []string{"Alice", "dependabot[bot]"}}
	for login, want := range map[string]bool{"alice": true, "bob": false, "dependabot[bot]": true, "renovate[bot]": false} {
		if ok, _ := narrow.MayStart(login, false); ok != want {
			t.Errorf("MayStart(%s) = %v, want %v", login, ok, want)
		}
	}
	if !(Triggers{Labels: []string{"Agent"}}).HasLabel("agent") || (Triggers{}).HasLabel("agent") {
		t.Error("HasLabel")
	}
}

func TestParseReviewAndLimitsProblems(t *testing.T) {
	doc := `[review]
on = ["opened", "s3cr3t-value"]
paths = ["src/[", "ok/**"]
skip_authors = ["not a login s3cr3t-value"]
prompt = ""
[limits]
max_concurrent_tasks = 0
[triggers]
allowed_teams = ["a/b/s3cr3t-value"]
`
	cfg, res := Parse([]byte(doc))
	want := []string{
		"line 2: review.on[1]: " + RuleReviewAction,
		"line 3: review.paths[0]: " + RuleGlob,
		"line 4: review.skip_authors[0]: " + RuleLogin,
		"line 5: review.prompt: " + RuleNotEmpty,
		"line 7: limits.max_concurrent_tasks: " + RuleCap,
		"line 9: triggers.allowed_teams[0]: " + RuleTeam,
	}
	got := strs(res.Errors)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cfg != nil || strings.Contains(strings.Join(got, " "), "s3cr3t-value") {
		t.Errorf("cfg = %v, or a problem quotes a value", cfg)
	}
	def, res := Parse([]byte("[review]\nenabled = true\n"))
	if !res.OK() || !def.Review.Starts(ReviewOpened, "alice") || !def.Review.Starts(ReviewReady, "alice") || !def.Review.OnPush ||
		def.Review.Prompt != DefaultReviewPrompt || def.Limits.MaxConcurrentTasks != DefaultMaxConcurrentTasks {
		t.Errorf("review defaults = %+v, limits %+v", def.Review, def.Limits)
	}
}

func TestReviewFilters(t *testing.T) {
	r := Review{Enabled: true, On: []string{ReviewOpened}, SkipAuthors: []string{"Renovate[bot]"}, Paths: []string{"src/**", "*.md", "docs/"}}
	if r.Starts(ReviewReady, "alice") || !r.Starts(ReviewOpened, "alice") || r.Starts(ReviewOpened, "renovate[bot]") {
		t.Error("Starts ignores on or skip_authors")
	}
	if (Review{On: []string{ReviewOpened}}).Starts(ReviewOpened, "alice") {
		t.Error("a disabled review starts")
	}
	for name, want := range map[string]bool{
		"src/a.go": true, "src/x/y/z.go": true, "README.md": true, "docs/a/b.txt": true,
		"lib/a.go": false, "lib/README.md": false, "srcx/a.go": false, "docs": false,
	} {
		if got := r.Covers([]string{name}); got != want {
			t.Errorf("Covers(%s) = %v, want %v", name, got, want)
		}
	}
	if !(Review{}).Covers(nil) || r.Covers(nil) {
		t.Error("no filter must cover everything; a filter covers no files")
	}
	for glob, want := range map[string]bool{"**/*_test.go": true, "a/**/b": false} {
		if got := MatchGlob(glob, "x/y/foo_test.go"); got != want {
			t.Errorf("MatchGlob(%s) = %v", glob, got)
		}
	}
}

func TestMayStartWithTeams(t *testing.T) {
	tr := Triggers{AllowedUsers: []string{"alice"}, AllowedTeams: []string{"acme/platform"}}
	if !tr.NeedsTeams("bob") || tr.NeedsTeams("Alice") || (Triggers{}).NeedsTeams("bob") {
		t.Error("NeedsTeams")
	}
	if ok, _ := tr.MayStart("bob", true); !ok {
		t.Error("a team member is refused")
	}
	if ok, why := tr.MayStart("bob", false); ok || !strings.Contains(why, "allowed_teams") {
		t.Errorf("a non-member = %v %q", ok, why)
	}
}

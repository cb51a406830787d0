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
	if ok, _ := d.MayStart("alice"); !ok {
		t.Error("a writer is refused by default")
	}
	if ok, why := d.MayStart("renovate[bot]"); ok || !strings.Contains(why, "allow_bots") {
		t.Errorf("a bot = %v %q", ok, why)
	}
	narrow := Triggers{AllowedUsers: []string{"Alice", "dependabot[bot]"}}
	for login, want := range map[string]bool{"alice": true, "bob": false, "dependabot[bot]": true, "renovate[bot]": false} {
		if ok, _ := narrow.MayStart(login); ok != want {
			t.Errorf("MayStart(%s) = %v, want %v", login, ok, want)
		}
	}
	if !(Triggers{Labels: []string{"Agent"}}).HasLabel("agent") || (Triggers{}).HasLabel("agent") {
		t.Error("HasLabel")
	}
}

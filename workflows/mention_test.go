package workflows

import (
	"reflect"
	"testing"
)

func TestMentions(t *testing.T) {
	for body, want := range map[string][]string{
		"@agent please fix":                      {"agent"},
		"hey @Agent, and @bob":                   {"agent", "bob"},
		"mail foo@agent about it":                nil,
		"see `@agent` in the docs":               nil,
		"```\n@agent run\n```\nnothing here":     nil,
		"~~~go\n@agent\n~~~\n@bob":               {"bob"},
		"> @agent do it\n\nI agree":              nil,
		"  > quoted @agent":                      nil,
		"(@agent) ping":                          {"agent"},
		"@dependabot[bot] rebase":                {"dependabot[bot]"},
		"@agent @agent twice":                    {"agent"},
		"an email a.b@agent.com":                 nil,
		"@-nope":                                 nil,
		"line one\n@agent on line two":           {"agent"},
		"unterminated ```\n@agent still counts?": {"agent"},
	} {
		if got := Mentions(body); !reflect.DeepEqual(got, want) {
			t.Errorf("Mentions(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestAddressed(t *testing.T) {
	for _, c := range []struct {
		body    string
		ok      bool
		command string
	}{
		{"@agent please fix the tests", true, ""},
		{"@agent stop", true, CommandStop},
		{"@Agent: retry.", true, CommandRetry},
		{"@agent status", true, CommandStatus},
		{"@agent stop using globals in parse.go", true, ""},
		{"@agent frobnicate", true, ""},
		{"foo@agent stop", false, ""},
		{"`@agent stop`", false, ""},
		{"> @agent stop", false, ""},
		{"@agentx stop", false, ""},
		{"@bob stop", false, ""},
	} {
		ok, cmd := Addressed(c.body, "@agent")
		if ok != c.ok || cmd != c.command {
			t.Errorf("Addressed(%q) = %v %q, want %v %q", c.body, ok, cmd, c.ok, c.command)
		}
	}
}

func FuzzMentions(f *testing.F) {
	for _, s := range []string{"@agent stop", "```\n@a\n```", "> @a", "x@y", "`@a`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, m := range Mentions(body) {
			if ok, _ := Addressed(body, "@"+m); !ok {
				t.Fatalf("Mentions found %q but Addressed does not: %q", m, body)
			}
		}
	})
}

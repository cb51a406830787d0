package ingress

import (
	"testing"

	"github.com/code-factory/code-factory/workflows"
)

const pushFixture = "webhooks/push/with-no-username-committer.json"

// pushWith edits the push fixture: commits get the given changes to
// ConfigPath, in order ("added", "modified", "removed" or "" for none).
func pushWith(t *testing.T, changes []string, edit func(m map[string]any)) []byte {
	t.Helper()
	return editJSON(t, pushFixture, func(m map[string]any) {
		commits, ok := m["commits"].([]any)
		if !ok || len(commits) == 0 {
			t.Fatal("push fixture has no commits")
		}
		tmpl, ok := commits[0].(map[string]any)
		if !ok {
			t.Fatal("commit is not an object")
		}
		var out []any
		for _, ch := range changes {
			c := map[string]any{}
			for k, v := range tmpl {
				c[k] = v
			}
			c["added"], c["modified"], c["removed"] = []any{"README.md"}, []any{}, []any{}
			if ch != "" {
				c[ch] = []any{"docs/x.md", ConfigPath}
			}
			out = append(out, c)
		}
		m["commits"] = out
		m["created"] = false
		if edit != nil {
			edit(m)
		}
	})
}

func pushSettings() workflows.Settings {
	return workflows.Settings{TaskNamePrefix: "gh", AgentLogin: "agent"}
}

func TestClassifyPushTouchingConfig(t *testing.T) {
	body := pushWith(t, []string{"", "modified", ""}, nil)
	d, ok := classifyBytes(t, "push", body, pushSettings()).(StartConfig)
	if !ok {
		t.Fatalf("decision %T, want StartConfig", d)
	}
	if d.WorkflowID != "gh-config-Codertocat/Hello-World" {
		t.Errorf("WorkflowID = %q", d.WorkflowID)
	}
	repo := workflows.Repo{Owner: "Codertocat", Name: "Hello-World", ID: 186853002, HTMLURL: "https://github.com/Codertocat/Hello-World"}
	if d.Input != (workflows.ConfigWorkflowInput{Settings: pushSettings(), Repo: repo, InstallationID: 1}) {
		t.Errorf("Input = %+v", d.Input)
	}
	p := d.Push
	if p.DeliveryID != "delivery-1" || p.InstallationID != 1 || p.Repo != repo || p.DefaultBranch != "master" ||
		p.After != "6113728f27ae82c7b1a177c8d03f9e96e0adf246" || p.Before == "" || p.Removed || p.Truncated {
		t.Errorf("Push = %+v", p)
	}
	if p.Pusher.Login != "Codertocat" || p.Pusher.ID == 0 {
		t.Errorf("Pusher = %+v", p.Pusher)
	}
}

func TestClassifyPushRemovedIsLastChange(t *testing.T) {
	cases := []struct {
		changes []string
		removed bool
	}{
		{[]string{"modified", "removed"}, true},
		{[]string{"removed", "added"}, false},
		{[]string{"removed", ""}, true},
	}
	for _, tc := range cases {
		d, ok := classifyBytes(t, "push", pushWith(t, tc.changes, nil), pushSettings()).(StartConfig)
		if !ok || d.Push.Removed != tc.removed || d.Push.Truncated {
			t.Errorf("%v: decision %#v, want Removed=%v", tc.changes, d, tc.removed)
		}
	}
}

func TestClassifyPushNeedsCompare(t *testing.T) {
	many := make([]string, pushCommitCap)
	d, ok := classifyBytes(t, "push", pushWith(t, many, nil), pushSettings()).(StartConfig)
	if !ok || !d.Push.Truncated {
		t.Errorf("%d untouched commits: %#v, want Truncated", pushCommitCap, d)
	}
	many[3] = "removed"
	d, ok = classifyBytes(t, "push", pushWith(t, many, nil), pushSettings()).(StartConfig)
	if !ok || !d.Push.Truncated || d.Push.Removed {
		t.Errorf("truncated push removing the file: %#v, want Truncated and not Removed", d)
	}
	forced := pushWith(t, []string{""}, func(m map[string]any) { m["forced"] = true })
	if d, ok := classifyBytes(t, "push", forced, pushSettings()).(StartConfig); !ok || !d.Push.Truncated {
		t.Errorf("forced push: %#v, want Truncated", d)
	}
	reset := pushWith(t, []string{""}, func(m map[string]any) { m["commits"] = []any{} })
	if d, ok := classifyBytes(t, "push", reset, pushSettings()).(StartConfig); !ok || !d.Push.Truncated {
		t.Errorf("push without commits: %#v, want Truncated", d)
	}
	few := pushWith(t, make([]string, pushCommitCap-1), nil)
	if sk, ok := classifyBytes(t, "push", few, pushSettings()).(Skip); !ok || sk.Reason != "push does not touch "+ConfigPath {
		t.Errorf("%d untouched commits: %#v, want skip", pushCommitCap-1, sk)
	}
}

func TestClassifyPushSkips(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(m map[string]any)
		reason string
	}{
		{"other branch", func(m map[string]any) { m["ref"] = "refs/heads/feature" }, "push is not to the default branch"},
		{"tag", func(m map[string]any) { m["ref"] = "refs/tags/master" }, "push is not to a branch"},
		{"deleted", func(m map[string]any) {
			m["deleted"] = true
			m["after"] = zeroSHA
		}, "default branch deleted"},
		{"no installation", func(m map[string]any) { delete(m, "installation") }, "no installation in payload"},
	}
	for _, tc := range cases {
		body := pushWith(t, []string{"added"}, tc.edit)
		if sk, ok := classifyBytes(t, "push", body, pushSettings()).(Skip); !ok || sk.Reason != tc.reason {
			t.Errorf("%s: %#v, want skip %q", tc.name, sk, tc.reason)
		}
	}
}

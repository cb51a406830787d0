package ingress

import (
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// A comment that @-mentions someone may address the agent: it goes to the
// issue's workflow, started if need be. Anything else only signals it.
func TestClassifyMentionsStartTheIssue(t *testing.T) {
	s := testSettings()
	is := payloads.Issue{Number: 65, Title: "t", Author: neekolas}
	comment := func(action, text string) []byte {
		return payloads.IssueComment(action, ownCapRepo, is, payloads.Comment{ID: 1, Body: text, Author: neekolas})
	}
	for _, c := range []struct {
		name, action, text string
		start              bool
	}{
		{"mention", "created", "@" + capturedAgent + " fix it", true},
		{"another mention", "created", "@bob have a look", true},
		{"address", "created", "foo@" + capturedAgent + " fix it", false},
		{"code", "created", "`@" + capturedAgent + "`", false},
		{"quote", "created", "> @" + capturedAgent + " fix it", false},
		{"edit", "edited", "@" + capturedAgent + " fix it", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := classifyBytes(t, "issue_comment", comment(c.action, c.text), s)
			switch d := d.(type) {
			case StartIssue:
				if !c.start || !d.Event.Mention || d.Event.Kind != workflows.KindIssueComment || d.WorkflowID != "gh-xmtplabs/coder-action-65" || d.Input.IssueNumber != 65 {
					t.Errorf("decision = %#v", d)
				}
			case SignalIssue:
				if c.start || d.Event.Mention {
					t.Errorf("decision = %#v", d)
				}
			default:
				t.Errorf("decision %T", d)
			}
		})
	}
}

func TestClassifyOpenedAndLabels(t *testing.T) {
	s := testSettings()
	is := payloads.Issue{Number: 65, Title: "t", Author: neekolas, Body: "@" + capturedAgent + " please do this"}
	d, ok := classifyBytes(t, "issues", payloads.Issues("opened", ownCapRepo, is, neekolas, payloads.User{}), s).(StartIssue)
	if !ok || d.Event.Kind != workflows.KindOpened || d.Event.Comment == nil || d.Event.Comment.Body != is.Body || d.Event.Comment.Author.Login != "neekolas" {
		t.Fatalf("opened = %#v", d)
	}
	is.Body = "no mention here"
	if d, ok := classifyBytes(t, "issues", payloads.Issues("opened", ownCapRepo, is, neekolas, payloads.User{}), s).(Skip); !ok {
		t.Errorf("opened without a mention = %#v", d)
	}
	l, ok := classifyBytes(t, "issues", payloads.Labeled("labeled", ownCapRepo, is, "agent", neekolas), s).(StartIssue)
	if !ok || l.Event.Kind != workflows.KindLabeled || l.Event.Label != "agent" {
		t.Errorf("labeled = %#v", l)
	}
	u, ok := classifyBytes(t, "issues", payloads.Labeled("unlabeled", ownCapRepo, is, "agent", neekolas), s).(SignalIssue)
	if !ok || u.Event.Kind != workflows.KindUnlabeled || u.Event.Label != "agent" {
		t.Errorf("unlabeled = %#v", u)
	}
}

package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
)

var (
	carol     = payloads.User{Login: "carol", ID: 1003}
	renovate  = payloads.User{Login: "renovate[bot]", ID: 1004}
	mentionOf = "@" + e2eAgent
)

// unassigned42 is issue 42 with nobody assigned, as a mention finds it.
func unassigned42() payloads.Issue {
	is := issue42()
	is.Assignees = nil
	return is
}

// seedUnassigned makes the issue open and unassigned, alice a Coder user.
func (s *stack) seedUnassigned() {
	s.world.Coder.AddUser(alice.ID, alice.Login)
	s.world.GitHub.SetIssue(e2eRepo.Owner, e2eRepo.Name, e2eIssue, "open")
}

// mention posts a comment on the unassigned issue.
func (s *stack) mention(want int, id int64, author payloads.User, text, delivery string) {
	s.t.Helper()
	body := payloads.IssueComment("created", e2eRepo, unassigned42(), payloads.Comment{ID: id, Body: text, Author: author})
	s.mustPost(want, "issue_comment", body, delivery)
}

// statusComments counts the issue's status comments.
func (s *stack) statusComments() int {
	n := 0
	for _, c := range s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, e2eIssue) {
		if strings.Contains(c.Body, "coder-factory:task-status") {
			n++
		}
	}
	return n
}

// A writer's mention starts one task whose first message carries the
// issue URL and the comment; a second mention is forwarded, not a second task.
func TestE2EMentionStartsATask(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.seedUnassigned()
			s.mention(http.StatusAccepted, 7001, alice, mentionOf+" please handle the empty input case", "d-m1")
			eventually(t, "the task running", func() bool {
				return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusText(), "Task is running: ")
			})
			first := s.world.Coder.Created()[0]
			if first.Owner != alice.Login || !strings.Contains(first.Input, "/issues/42") || !strings.Contains(first.Input, "please handle the empty input case") {
				t.Errorf("first message = owner %q input %q", first.Owner, first.Input)
			}
			s.mention(http.StatusAccepted, 7002, alice, mentionOf+" also add a test", "d-m2")
			eventually(t, "the second mention forwarded", func() bool { return s.blocks(first.ID) == 1 })
			if n := len(s.world.Coder.Created()); n != 1 {
				t.Errorf("%d runs created, want 1", n)
			}
			if sent := strings.Join(s.world.Coder.Sent(first.ID), "\n"); strings.Contains(sent, "empty input case") {
				t.Errorf("the asking comment was forwarded again: %s", sent)
			}
		})
	}
}

// foo@agent, a mention in code and a quoted mention start nothing.
func TestE2ENotAMention(t *testing.T) {
	s := newStack(t)
	s.seedUnassigned()
	for i, text := range []string{
		"mail foo" + mentionOf + " about it",
		"run `" + mentionOf + " fix` to ask it",
		"```\n" + mentionOf + " fix\n```",
	} {
		s.mention(http.StatusOK, int64(7100+i), alice, text, "d-nm-"+string(rune('a'+i)))
	}
	// Someone else mentioned while the agent is only quoted: the workflow
	// looks, and ends without a word.
	s.mention(http.StatusAccepted, 7110, alice, "> "+mentionOf+" fix it\n\n@bob what do you think?", "d-nm-q")
	s.waitClosed(s.cfg.CoderTaskNamePrefix + "-acme/widgets-42")
	if n := len(s.world.Coder.Created()); n != 0 {
		t.Errorf("%d runs created, want none", n)
	}
	if n := s.statusComments(); n != 0 {
		t.Errorf("%d status comments, want none", n)
	}
}

// A mention by someone who may not start the agent is refused with one
// explanation on the status comment, which does not @-mention them.
func TestE2EMentionRefused(t *testing.T) {
	s := newStack(t)
	s.seedUnassigned()
	s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, bob.Login, "read")
	id := s.cfg.CoderTaskNamePrefix + "-acme/widgets-42"
	for i := range 2 {
		s.mention(http.StatusAccepted, int64(7200+i), bob, mentionOf+" fix this", "d-ref-"+string(rune('a'+i)))
		s.waitClosed(id)
	}
	st := s.statusText()
	if !strings.Contains(st, "`bob`") || strings.Contains(st, "@bob") || !strings.Contains(st, "write") {
		t.Errorf("status = %q", st)
	}
	if n := s.statusComments(); n != 1 {
		t.Errorf("%d status comments, want 1", n)
	}
	if n := len(s.world.Coder.Created()); n != 0 {
		t.Errorf("%d runs created", n)
	}
}

// allowed_users narrows who may start the agent; bots are refused unless
// allowed.
func TestE2ETriggerPolicyNarrows(t *testing.T) {
	s := newStack(t)
	s.seedUnassigned()
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nallowed_users = [\"alice\"]\n"))
	id := s.cfg.CoderTaskNamePrefix + "-acme/widgets-42"
	s.mention(http.StatusAccepted, 7301, carol, mentionOf+" fix this", "d-pol-1")
	s.waitClosed(id)
	if st := s.statusText(); !strings.Contains(st, "allowed_users") || !strings.Contains(st, "`carol`") {
		t.Errorf("status = %q", st)
	}
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nmention = true\n"))
	s.mention(http.StatusAccepted, 7302, renovate, mentionOf+" fix this", "d-pol-2")
	s.waitClosed(id)
	if st := s.statusText(); !strings.Contains(st, "allow_bots") {
		t.Errorf("status = %q", st)
	}
	if n := len(s.world.Coder.Created()); n != 0 {
		t.Errorf("%d runs created", n)
	}
}

// A trigger label starts the task and removing it stops it; other labels
// do neither.
func TestE2ELabelStartsAndStops(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.seedUnassigned()
			s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nlabels = [\"agent\"]\n"))
			id := s.cfg.CoderTaskNamePrefix + "-acme/widgets-42"
			s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("labeled", e2eRepo, unassigned42(), "bug", alice), "d-l-bug")
			s.waitClosed(id)
			s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("labeled", e2eRepo, unassigned42(), "Agent", alice), "d-l-agent")
			eventually(t, "the task running", func() bool {
				return len(s.world.Coder.Created()) == 1 && strings.HasPrefix(s.statusText(), "Task is running: ")
			})
			run := s.world.Coder.Created()[0].ID
			s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("unlabeled", e2eRepo, unassigned42(), "bug", alice), "d-u-bug")
			s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("unlabeled", e2eRepo, unassigned42(), "Agent", alice), "d-u-agent")
			eventually(t, "the task ended", func() bool { return s.world.Coder.Ends(run) == 1 })
			s.waitClosed(id)
			if st := s.statusText(); !strings.Contains(st, "label `Agent` was removed") {
				t.Errorf("status = %q", st)
			}
			if n := len(s.world.Coder.Created()); n != 1 {
				t.Errorf("%d runs created, want 1", n)
			}
		})
	}
}

// stop, retry and status do what they say, for writers only.
func TestE2ECommands(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.seed()
			s.world.GitHub.SetPermission(e2eRepo.Owner, e2eRepo.Name, bob.Login, "read")
			first := s.assign()
			id := s.cfg.CoderTaskNamePrefix + "-acme/widgets-42"

			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7401, alice, mentionOf+" status"), "d-c-status")
			eventually(t, "the status answered", func() bool { return strings.Contains(s.statusText(), "Status (asked by `alice`)") })
			if st := s.statusText(); !strings.Contains(st, first) {
				t.Errorf("status answer lacks the task: %q", st)
			}

			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7402, bob, mentionOf+" stop"), "d-c-bobstop")
			eventually(t, "bob noted", func() bool { return strings.Contains(s.statusText(), "bob") })
			if s.world.Coder.Ends(first) != 0 {
				t.Fatal("a reader stopped the task")
			}

			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7403, alice, mentionOf+" retry"), "d-c-retry")
			eventually(t, "a fresh run", func() bool {
				return s.world.Coder.Ends(first) == 1 && len(s.world.Coder.Created()) == 2 && strings.HasPrefix(s.statusText(), "Task is running: ")
			})
			second := s.world.Coder.Created()[1].ID

			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7404, alice, mentionOf+" stop"), "d-c-stop")
			eventually(t, "the run stopped", func() bool { return s.world.Coder.Ends(second) == 1 })
			s.waitClosed(id)
			if st := s.statusText(); !strings.HasPrefix(st, "Task stopped by `alice`") {
				t.Errorf("status = %q", st)
			}
			for _, r := range []string{first, second} {
				if strings.Contains(strings.Join(s.world.Coder.Sent(r), "\n"), " stop") {
					t.Errorf("a command was forwarded to %s", r)
				}
			}
			if n := len(s.world.Coder.Created()); n != 2 {
				t.Errorf("%d runs, want 2", n)
			}
		})
	}
}

// Removing a trigger label does not end a task that an assignment started.
func TestE2EUnlabelLeavesAnAssignedTask(t *testing.T) {
	s := newStack(t)
	s.seed()
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[triggers]\nlabels = [\"agent\"]\n"))
	run := s.assign()
	s.mustPost(http.StatusAccepted, "issues", payloads.Labeled("unlabeled", e2eRepo, issue42(), "agent", alice), "d-ul-1")
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(7701, alice, "still there?"), "d-ul-2")
	eventually(t, "the comment forwarded", func() bool { return s.blocks(run) == 1 })
	if n := s.world.Coder.Ends(run); n != 0 {
		t.Errorf("the task ended %d times", n)
	}
}

package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func TestAssignCommentCloseLifecycle(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, comment("d-c1", 501, "bob", "Please also update the docs."))
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()

		task := h.wantIssueRun()
		sent := h.world.Coder.Sent(task.ID)
		if len(sent) != 1 {
			t.Fatalf("inputs sent = %d, want 1: %q", len(sent), sent)
		}
		want := "New Comment on Issue: https://github.com/acme/widgets/issues/42#issuecomment-501\n" +
			"Commenter: bob\nTimestamp: 2026-11-22T10:00:00Z\n\n" +
			"[INSTRUCTIONS]\nUse the /receiving-feedback skill to handle the following comment.\n[END INSTRUCTIONS]\n\n" +
			"[COMMENT]\nPlease also update the docs.\n[END COMMENT]"
		if sent[0] != want {
			t.Fatalf("sent input:\n%s\nwant:\n%s", sent[0], want)
		}
		if n := h.world.Coder.Ends(task.ID); n != 1 {
			t.Fatalf("deletes/archives = %d, want 1", n)
		}
		h.wantCompleted(h.status())
		reactions := h.world.GitHub.Reactions()
		if len(reactions) != 1 || reactions[0].CommentID != 501 || reactions[0].Content != "eyes" || reactions[0].Kind != "issue" {
			t.Fatalf("reactions = %+v, want one eyes on issue comment 501", reactions)
		}
	})
}

func TestStatusCommentProgression(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		var running string
		h.env.RegisterDelayedCallback(func() { running = h.status() }, 10*time.Second)
		h.at(time.Minute, closed("d-close"))
		h.mustRun()
		url := h.runURL(h.onlyTask())
		if running != "Task is running: "+url {
			t.Fatalf("status while running = %q, want %q", running, "Task is running: "+url)
		}
		// One comment, created once and then edited in place.
		if n := h.world.GitHub.Count("POST", "/repos/acme/widgets/issues/42/comments"); n != 1 {
			t.Fatalf("status comments created = %d, want 1", n)
		}
	})
}

func TestRedeliveredCommentIsSentOnce(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(0, assigned("d-assign"))
		c := comment("d-c1", 501, "bob", "hello")
		h.at(time.Minute, c)
		h.at(2*time.Minute, c)
		h.at(3*time.Minute, closed("d-close"))
		h.mustRun()
		task := h.onlyTask()
		if sent := h.world.Coder.Sent(task.ID); len(sent) != 1 {
			t.Fatalf("inputs sent = %d, want 1", len(sent))
		}
	})
}

func TestCommentsByAgentAreNotForwarded(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, comment("d-c1", 501, tAgent, "I opened a PR"))
		h.at(2*time.Minute, closed("d-close"))
		h.mustRun()
		task := h.onlyTask()
		if sent := h.world.Coder.Sent(task.ID); len(sent) != 0 {
			t.Fatalf("inputs sent = %q, want none", sent)
		}
		if r := h.world.GitHub.Reactions(); len(r) != 0 {
			t.Fatalf("reactions = %+v, want none", r)
		}
	})
}

func TestAssignerWithoutWriteAccessGetsAComment(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetPermission(tOwner, tRepo, tAssigner, "read")
		h.at(0, assigned("d-assign"))
		h.mustRun()
		if n := len(h.world.Coder.Requests()); n != 0 {
			t.Fatalf("Coder requests = %d, want none", n)
		}
		if got := h.status(); !strings.Contains(got, "@alice") || !strings.Contains(got, "write") || !strings.Contains(got, "@"+tAgent) {
			t.Fatalf("status = %q, want it to tell alice who may assign the agent", got)
		}
	})
}

func TestMissingCoderUserGetsAComment(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		e := assigned("d-assign")
		e.Sender = Actor{Login: "carol", ID: 4242}
		h.at(0, e)
		h.mustRun()
		if n := len(h.world.Coder.Created()); n != 0 {
			t.Fatalf("tasks created = %d, want 0", n)
		}
		if got := h.status(); !strings.Contains(got, "@carol") || !strings.Contains(got, "link") {
			t.Fatalf("status = %q, want it to ask carol to link GitHub in Coder", got)
		}
	})
}

func TestLateAssignmentOfClosedIssueEndsQuietly(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.world.GitHub.SetIssue(tOwner, tRepo, tIssue, "closed", tAgent)
		h.at(0, assigned("d-assign"))
		h.mustRun()
		if n := len(h.world.Coder.Requests()); n != 0 {
			t.Fatalf("Coder requests = %d, want none", n)
		}
		if c := h.world.GitHub.Comments(tOwner, tRepo, tIssue); len(c) != 0 {
			t.Fatalf("comments = %+v, want none", c)
		}
	})
}

func TestUnassignCancelsTask(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, ev(KindUnassigned, "d-unassign"))
		h.mustRun()
		task := h.onlyTask()
		if n := h.world.Coder.Ends(task.ID); n != 1 {
			t.Fatalf("deletes/archives = %d, want 1", n)
		}
		if got := h.status(); !strings.HasPrefix(got, "Task cancelled: the agent was unassigned.") {
			t.Fatalf("status = %q", got)
		}
	})
}

func TestUnassignInterruptsAWorkingChat(t *testing.T) {
	h := newWFHarness(t, fakecoder.Options{API: fakecoder.APIChats})
	h.at(0, assigned("d-assign"))
	h.busyUntilReleased(10 * time.Second)
	h.at(20*time.Second, ev(KindUnassigned, "d-unassign"))
	h.mustRun()
	task := h.onlyTask()
	if h.world.Coder.Interrupts(task.ID) != 1 || h.world.Coder.Ends(task.ID) != 1 {
		t.Fatalf("interrupts = %d, archives = %d; want the working chat interrupted, then archived",
			h.world.Coder.Interrupts(task.ID), h.world.Coder.Ends(task.ID))
	}
}

func TestExistingTaskIsAdopted(t *testing.T) {
	eachAPI(t, func(t *testing.T, opts fakecoder.Options) {
		h := newWFHarness(t, opts)
		// The run exists already: a worker made it and died before it
		// could record it.
		backends, err := h.world.Backends(nil)
		if err != nil {
			t.Fatal(err)
		}
		earlier := "earlier: https://github.com/acme/widgets/issues/42"
		spec := coder.CreateSpec{
			Name: tTaskName, Owner: tAssigner, Input: earlier, Prompt: earlier,
			Labels: coder.IssueLabels(h.in.Repo.ID, "acme/widgets", tIssue),
		}
		if _, _, err := backends.Chosen().CreateOrAdopt(context.Background(), spec); err != nil {
			t.Fatal(err)
		}
		h.at(0, assigned("d-assign"))
		h.at(time.Minute, closed("d-close"))
		h.mustRun()
		task := h.onlyTask()
		if task.Input != earlier {
			t.Fatalf("a second run was created: %+v", h.world.Coder.Created())
		}
		if n := h.world.Coder.Ends(task.ID); n != 1 {
			t.Fatalf("the adopted run was ended %d times, want 1", n)
		}
	})
}

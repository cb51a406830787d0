package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/fixtures"
	"github.com/code-factory/code-factory/workflows"
)

// pushConfig delivers a push of sha to the default branch whose config file
// has the given content.
func (s *stack) pushConfig(sha, delivery, config string) {
	s.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixtures.Read(s.t, "webhooks/push/with-new-branch.json"), &m); err != nil {
		s.t.Fatal(err)
	}
	m["after"] = sha
	m["before"] = "1111111111111111111111111111111111111111"
	m["commits"].([]any)[0].(map[string]any)["modified"] = []any{".code-factory/config.toml"}
	body, err := json.Marshal(m)
	if err != nil {
		s.t.Fatal(err)
	}
	s.world.GitHub.SetFile("Codertocat", "Hello-World", sha, ".code-factory/config.toml", []byte(config))
	if code, reply := s.deliverBytes("push", body, delivery); code != http.StatusAccepted {
		s.t.Fatalf("push %s: %d %s", sha, code, reply)
	}
	eventually(s.t, "the status of "+sha, func() bool { return len(s.world.GitHub.Statuses("Codertocat", "Hello-World", sha)) == 1 })
}

// describe returns the schedule's description; nil with gone=true when the
// server says it does not exist, nil with gone=false when it did not answer
// in time (the caller polls again).
func (s *stack) describe(id string) (d *client.ScheduleDescription, gone bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := s.client.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
	var nf *serviceerror.NotFound
	var de *serviceerror.DeadlineExceeded
	switch {
	case errors.As(err, &nf):
		return nil, true
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &de):
		return nil, false
	case err != nil:
		s.t.Fatalf("describe %s: %v", id, err)
	}
	return d, false
}

// schedule waits until the schedule exists and matches ok.
func (s *stack) schedule(id, what string, ok func(*client.ScheduleDescription) bool) *client.ScheduleDescription {
	s.t.Helper()
	var d *client.ScheduleDescription
	eventually(s.t, what, func() bool {
		d, _ = s.describe(id)
		return d != nil && ok(d)
	})
	return d
}

func TestE2EScheduledJobsReconcileAndFire(t *testing.T) {
	s := newStack(t)
	s.world.Coder.AddUser(21031067, "codertocat") // the fixture's pusher
	id := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, "Codertocat", "Hello-World", "nightly")
	job := func(cron string) string {
		return "[[scheduled_jobs]]\nname = \"nightly\"\nbranch = \"develop\"\nschedule = \"" + cron + "\"\nprompt = \"Tidy the changelog.\"\n"
	}

	s.pushConfig("aaaa000000000000000000000000000000000001", "sched-1", job("0 3 * * *"))
	first := s.schedule(id, "the schedule created", func(*client.ScheduleDescription) bool { return true })
	if first.Schedule.Policy.Overlap.String() != "Skip" {
		t.Fatalf("overlap policy = %v, want Skip", first.Schedule.Policy.Overlap)
	}
	if first.Schedule.Policy.CatchupWindow > 10*time.Minute {
		t.Fatalf("catch-up window = %v, want minutes", first.Schedule.Policy.CatchupWindow)
	}

	s.pushConfig("aaaa000000000000000000000000000000000002", "sched-2", job("30 4 * * *"))
	s.schedule(id, "the schedule updated", func(d *client.ScheduleDescription) bool {
		return !reflect.DeepEqual(d.Schedule.Spec, first.Schedule.Spec)
	})

	// Fire it now: a task is created with the job's prompt and branch.
	if err := s.client.ScheduleClient().GetHandle(context.Background(), id).Trigger(context.Background(), client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the job's task", func() bool { return len(s.world.Coder.Created()) == 1 })
	created := s.world.Coder.Created()[0]
	var inputs map[string]any
	if err := json.Unmarshal([]byte(created.Body.Input), &inputs); err != nil {
		t.Fatalf("job task input is not template inputs: %q", created.Body.Input)
	}
	if created.Owner != "codertocat" || inputs["ai_prompt"] != "Tidy the changelog." || inputs["base_branch"] != "develop" {
		t.Fatalf("job task = owner %q inputs %v", created.Owner, inputs)
	}
	// The agent works, then goes idle: the task is deleted.
	working, idle := "working", "idle"
	eventually(t, "the task to start", func() bool {
		tk, ok := s.world.Coder.Task(created.TaskID)
		return ok && tk.Status == "active"
	})
	if err := s.world.Coder.SetTask(created.TaskID, "active", &working); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(created.TaskID); err != nil {
		t.Fatal(err)
	}
	polls := s.world.Coder.Count("GET", "/api/v2/tasks/codertocat/"+created.TaskID)
	eventually(t, "the working task polled", func() bool {
		return s.world.Coder.Count("GET", "/api/v2/tasks/codertocat/"+created.TaskID) > polls
	})
	if err := s.world.Coder.Release(created.TaskID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.SetTask(created.TaskID, "active", &idle); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the job's task deleted", func() bool {
		return s.world.Coder.Count("DELETE", "/api/v2/tasks/codertocat/"+created.TaskID) == 1
	})

	// Removing the job removes the schedule.
	s.pushConfig("aaaa000000000000000000000000000000000003", "sched-3", "[sandbox]\nsize = \"small\"\n")
	eventually(t, "the schedule deleted", func() bool { _, gone := s.describe(id); return gone })
}

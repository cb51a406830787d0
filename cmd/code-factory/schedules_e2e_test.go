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

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/workflows"
)

// pushConfig delivers alice's push of sha to the default branch whose
// config file has the given content.
func (s *stack) pushConfig(sha, delivery, config string) {
	s.t.Helper()
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, sha, ".code-factory/config.toml", []byte(config))
	s.mustPost(http.StatusAccepted, "push", configPush(sha), delivery)
	eventually(s.t, "the status of "+sha, func() bool { return len(s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, sha)) >= 1 })
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
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api))
		s.seed() // alice pushes the config; the job runs as her
		id := workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "nightly")
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

		// Fire it now: a run is created with the job's prompt and branch.
		if err := s.client.ScheduleClient().GetHandle(context.Background(), id).Trigger(context.Background(), client.ScheduleTriggerOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the job's run", func() bool { return len(s.world.Coder.Created()) == 1 })
		created := s.world.Coder.Created()[0]
		if created.Owner != alice.Login {
			t.Fatalf("job run for %q, want alice", created.Owner)
		}
		if api == fakecoder.APIChats {
			ws := s.world.Coder.Workspaces()
			if created.Input != "Tidy the changelog." || len(ws) != 1 || !hasParam(ws[0], "base_branch", "develop") {
				t.Fatalf("job chat %+v with workspaces %+v: want the prompt on a develop workspace", created, ws)
			}
		} else {
			var inputs map[string]any
			if err := json.Unmarshal([]byte(created.Input), &inputs); err != nil || inputs["ai_prompt"] != "Tidy the changelog." || inputs["base_branch"] != "develop" {
				t.Fatalf("job task input = %q (%v)", created.Input, err)
			}
		}
		// The agent works, then goes idle: the run is ended.
		s.agentWorksThenIdles(created.ID)
		eventually(t, "the job's run ended", func() bool { return s.world.Coder.Ends(created.ID) == 1 })

		// Removing the job removes the schedule.
		s.pushConfig("aaaa000000000000000000000000000000000003", "sched-3", "[sandbox]\nsize = \"small\"\n")
		eventually(t, "the schedule deleted", func() bool { _, gone := s.describe(id); return gone })
	})
}

// hasParam reports whether a workspace was built with the parameter.
func hasParam(ws fakecoder.Workspace, name, value string) bool {
	for _, p := range ws.RichParameters {
		if p.Name == name && p.Value == value {
			return true
		}
	}
	return false
}

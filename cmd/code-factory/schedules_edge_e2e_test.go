package main

import (
	"context"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
	"github.com/code-factory/code-factory/workflows"
)

// refusingSchedules is Temporal refusing to create one schedule, as it does
// for a spec it cannot accept.
type refusingSchedules struct {
	client.ScheduleClient
	refuse string
}

func (r refusingSchedules) Create(ctx context.Context, o client.ScheduleOptions) (client.ScheduleHandle, error) {
	if strings.HasSuffix(o.ID, r.refuse) {
		return nil, serviceerror.NewInvalidArgument("schedule spec refused")
	}
	return r.ScheduleClient.Create(ctx, o)
}

func jobBlock(name, cron, extra string) string {
	return "[[scheduled_jobs]]\nname = \"" + name + "\"\nbranch = \"main\"\nschedule = \"" + cron + "\"\nprompt = \"p\"\n" + extra
}

// One schedule Temporal refuses does not stop the others, and the push's
// code-factory/config status turns to error naming the job.
func TestE2EOneRefusedScheduleIsReportedAndTheOthersAreMade(t *testing.T) {
	s := newStack(t, withSchedules(func(c client.ScheduleClient) client.ScheduleClient {
		return refusingSchedules{ScheduleClient: c, refuse: "-broken"}
	}))
	s.seed()
	const sha = "cccc000000000000000000000000000000000001"
	s.pushConfig(sha, "sched-refused", jobBlock("broken", "0 3 * * *", "")+jobBlock("nightly", "0 4 * * *", ""))
	s.schedule(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "nightly"), "the good schedule", func(*client.ScheduleDescription) bool { return true })
	var st []fakegithub.Status
	eventually(t, "the error status", func() bool {
		st = s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, sha)
		return len(st) == 2
	})
	last := st[1]
	if st[0].State != "success" || last.State != "error" || last.Context != "code-factory/config" ||
		!strings.Contains(last.Description, `"broken"`) || strings.Contains(last.Description, `"nightly"`) {
		t.Fatalf("statuses = %+v, want success then an error naming only the refused job", st)
	}
	if _, gone := s.describe(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "broken")); !gone {
		t.Fatal("the refused schedule exists")
	}
}

// A job's timezone reaches the schedule; without one it is UTC.
func TestE2EScheduleTimezone(t *testing.T) {
	s := newStack(t)
	s.seed()
	s.pushConfig("cccc000000000000000000000000000000000002", "sched-tz", jobBlock("berlin", "0 9 * * *", "timezone = \"Europe/Berlin\"\n")+jobBlock("utc", "0 9 * * *", ""))
	d := s.schedule(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "berlin"), "the Berlin schedule", func(*client.ScheduleDescription) bool { return true })
	if tz := d.Schedule.Spec.TimeZoneName; tz != "Europe/Berlin" {
		t.Fatalf("time zone = %q, want Europe/Berlin", tz)
	}
	u := s.schedule(workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, "utc"), "the UTC schedule", func(*client.ScheduleDescription) bool { return true })
	if tz := u.Schedule.Spec.TimeZoneName; tz != "" && tz != "UTC" {
		t.Fatalf("time zone = %q, want UTC", tz)
	}
}

// Terminating the config workflow loses what it remembered; the next push
// still finds the repository's schedules by listing them and removes the
// ones the config dropped. Another repository's schedules are untouched.
func TestE2ESchedulesAreFoundByListingAfterTheConfigWorkflowIsTerminated(t *testing.T) {
	s := newStack(t)
	s.seed()
	id := func(job string) string {
		return workflows.ScheduleID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, job)
	}
	s.pushConfig("cccc000000000000000000000000000000000003", "sched-two", jobBlock("keep", "0 3 * * *", "")+jobBlock("drop", "0 4 * * *", ""))
	s.schedule(id("keep"), "keep", func(*client.ScheduleDescription) bool { return true })
	s.schedule(id("drop"), "drop", func(*client.ScheduleDescription) bool { return true })
	// A neighbour whose ID starts the same way ("widgets-drop") belongs to
	// another repository, "widgets-2" style: it must survive.
	other := s.cfg.CoderTaskNamePrefix + "-schedule-" + e2eRepo.Owner + "/" + e2eRepo.Name + "-2-drop"
	if _, err := s.client.ScheduleClient().Create(context.Background(), client.ScheduleOptions{
		ID: other, Spec: client.ScheduleSpec{CronExpressions: []string{"0 5 * * *"}},
		Action: &client.ScheduleWorkflowAction{ID: other + "-run", Workflow: workflows.ScheduledJobWorkflowName, TaskQueue: s.cfg.TemporalTaskQueue},
		Memo:   map[string]any{"code_factory_repo": e2eRepo.Owner + "/" + e2eRepo.Name + "-2"},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.client.ScheduleClient().GetHandle(context.Background(), other).Delete(context.Background()); err != nil {
			t.Errorf("delete %s: %v", other, err)
		}
	})
	configID := workflows.ConfigWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name)
	if err := s.client.TerminateWorkflow(context.Background(), configID, "", "operator cleanup"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both schedules listed", func() bool { return s.listed(id("keep")) && s.listed(id("drop")) })
	s.pushConfig("cccc000000000000000000000000000000000004", "sched-one", jobBlock("keep", "0 3 * * *", ""))
	eventually(t, "the dropped job's schedule deleted", func() bool { _, gone := s.describe(id("drop")); return gone })
	if _, gone := s.describe(id("keep")); gone {
		t.Fatal("the kept job's schedule was deleted")
	}
	if _, gone := s.describe(other); gone {
		t.Fatal("another repository's schedule was deleted")
	}
}

// listed reports whether the schedule appears in the server's list.
func (s *stack) listed(id string) bool {
	it, err := s.client.ScheduleClient().List(context.Background(), client.ScheduleListOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if e.ID == id {
			return true
		}
	}
	return false
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/workflows"
)

// redeliveryScheduleID names the reconciler's schedule.
func redeliveryScheduleID(cfg *config.Config) string { return cfg.CoderTaskNamePrefix + "-redelivery" }

// ensureRedeliverySchedule makes the reconciler's schedule match
// REDELIVERY_INTERVAL: created, its interval updated, or deleted when 0.
// Every worker does it at start; the first one wins, the others agree.
func ensureRedeliverySchedule(ctx context.Context, c client.Client, cfg *config.Config, logger *slog.Logger) error {
	sc := c.ScheduleClient()
	id := redeliveryScheduleID(cfg)
	h := sc.GetHandle(ctx, id)
	desc, err := h.Describe(ctx)
	var nf *serviceerror.NotFound
	exists := err == nil
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("describe schedule %s: %w", id, err)
	}
	if cfg.RedeliveryInterval == 0 {
		if exists {
			logger.Info("redelivery reconciler off; deleting its schedule", "schedule", id)
			return h.Delete(ctx)
		}
		return nil
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: cfg.RedeliveryInterval}}}
	if !exists {
		_, err := sc.Create(ctx, client.ScheduleOptions{
			ID: id, Spec: spec, Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Minute,
			Action: &client.ScheduleWorkflowAction{
				ID: id + "-run", Workflow: workflows.RedeliveryWorkflowName, TaskQueue: cfg.TemporalTaskQueue,
				Args: []any{workflows.RedeliveryInput{}},
			},
		})
		var exists *serviceerror.AlreadyExists
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("create schedule %s: %w", id, err)
		}
		logger.Info("redelivery reconciler scheduled", "schedule", id, "every", cfg.RedeliveryInterval.String())
		return nil
	}
	if is := desc.Schedule.Spec.Intervals; len(is) == 1 && is[0].Every == cfg.RedeliveryInterval {
		return nil
	}
	return h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(u client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := u.Description.Schedule
		s.Spec = &spec
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
}

// runRedeliver is `code-factory redeliver`: the reconciler, run once by an
// operator, straight against GitHub (no Temporal needed).
func runRedeliver(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("redeliver", "Asks GitHub to redeliver every webhook delivery of the last --since that never reached code-factory.\n\nusage: code-factory redeliver [--since 2h] [--dry-run] [--json]", stderr)
	since := fs.Duration("since", 2*time.Hour, "how far back to look (at most 72h)")
	dry := fs.Bool("dry-run", false, "list what would be redelivered, ask for nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *since <= 0 || *since > activities.MaxRedeliveryAge {
		fmt.Fprintf(stderr, "code-factory redeliver: --since must be between 0 and %s\n", activities.MaxRedeliveryAge)
		return 2
	}
	cfg, logger, ok := loadConfig(config.NeedGitHub, stderr)
	if !ok {
		return 1
	}
	gh, err := githubFactory(cfg)
	if err != nil {
		return fail(logger, err)
	}
	acts := activities.New(nil, gh, activities.Timing{}, logger)
	found, err := acts.FindUndelivered(ctx, activities.FindUndeliveredInput{Since: time.Now().Add(-*since)})
	if err != nil {
		return fail(logger, err)
	}
	res := workflows.RedeliveryResult{Since: time.Now().Add(-*since).UTC(), Scanned: found.Scanned, Found: found.Undelivered, GivenUp: found.GivenUp}
	if !*dry && len(found.Undelivered) > 0 {
		ids := make([]int64, len(found.Undelivered))
		for i, u := range found.Undelivered {
			ids[i] = u.LatestID
		}
		if res.Requested, err = acts.Redeliver(ctx, ids); err != nil {
			return fail(logger, err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOf(enc.Encode(res))
	}
	fmt.Fprintf(stdout, "read %d attempts since %s; %d deliveries never reached code-factory\n", res.Scanned, res.Since.Format(time.RFC3339), len(res.Found))
	for _, u := range res.Found {
		fmt.Fprintf(stdout, "  %s  %s.%s  (%d attempts)\n", u.GUID, u.Event, u.Action, u.Attempts)
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing asked for")
	} else {
		fmt.Fprintf(stdout, "asked GitHub to redeliver %d\n", res.Requested)
	}
	if len(res.GivenUp) > 0 {
		fmt.Fprintf(stdout, "%d deliveries were already redelivered %d times and are left alone\n", len(res.GivenUp), activities.DefaultMaxRedeliveries)
	}
	return 0
}

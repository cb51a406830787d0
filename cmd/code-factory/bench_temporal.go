//go:build !prod

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// benchTemporalQueue is the task queue of the Temporal-only scenario: its
// own worker, beside the service's.
const benchTemporalQueue = "bench-temporal"

// benchShapes are the workflows the temporal scenario starts straight at
// the client: the least a start can cost, and the Temporal work an issue
// run does up to its task's create and just after it, with no ingress,
// GitHub, Coder or code-factory code in the way.
var benchShapes = []struct{ name, about string }{
	{"BenchBare", "start + one workflow task (one local activity notes it)"},
	{"BenchRun", "start, one workflow task with a version marker and 6 local activities, then 4 activities in turn (create, status, wait, status) and a timer: an issue run's shape with no slot"},
}

// dial connects a client to the stack's embedded server, logging nothing.
func (st *benchStack) dial() (client.Client, error) {
	return client.Dial(client.Options{HostPort: st.cfg.TemporalAddress, Namespace: st.cfg.TemporalNamespace, Logger: sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
}

// benchStamps notes when each started workflow reached its mark (the
// create), by index.
type benchStamps struct {
	mu sync.Mutex
	at map[int]time.Time
}

func (s *benchStamps) set(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.at[i]; !ok {
		s.at[i] = time.Now()
	}
}

func (s *benchStamps) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.at)
}

func (s *benchStamps) get(i int) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at[i]
}

// benchActs are the temporal scenario's activities.
type benchActs struct{ stamps *benchStamps }

// Noop stands for a call.
func (*benchActs) Noop(context.Context) error { return nil }

// Mark notes that workflow i reached its create.
func (b *benchActs) Mark(_ context.Context, i int) error {
	b.stamps.set(i)
	return nil
}

// benchBareWorkflow notes its start and ends.
func benchBareWorkflow(ctx workflow.Context, i int) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute})
	return workflow.ExecuteLocalActivity(ctx, (*benchActs).Mark, i).Get(ctx, nil)
}

// benchRunWorkflow does what an issue run asks of Temporal up to its
// create and just after, then waits like an idle run does.
func benchRunWorkflow(ctx workflow.Context, i int) error {
	var a *benchActs
	_ = workflow.GetVersion(ctx, "bench-1", workflow.DefaultVersion, 1)
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: time.Minute})
	for range 6 {
		if err := workflow.ExecuteLocalActivity(lctx, a.Noop).Get(ctx, nil); err != nil {
			return err
		}
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	if err := workflow.ExecuteActivity(actx, a.Mark, i).Get(ctx, nil); err != nil {
		return err
	}
	for range 3 {
		if err := workflow.ExecuteActivity(actx, a.Noop).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.Sleep(ctx, time.Hour)
}

// benchTemporal starts -n (500) workflows of each shape at c with
// SignalWithStart (as the ingress does), on the stack's server with a
// worker of their own, and reports the starts and how soon each reached
// its mark: the ceiling code-factory's assign figures compare with.
func benchTemporal(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	n := orDefault(o.n, 500)
	c, err := st.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	w := worker.New(c, benchTemporalQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(benchBareWorkflow, workflow.RegisterOptions{Name: benchShapes[0].name})
	w.RegisterWorkflowWithOptions(benchRunWorkflow, workflow.RegisterOptions{Name: benchShapes[1].name})
	acts := &benchActs{}
	w.RegisterActivityWithOptions(acts, activity.RegisterOptions{})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	for _, shape := range benchShapes {
		acts.stamps = &benchStamps{at: map[int]time.Time{}}
		res := startMany(ctx, c, shape.name, n, o.c)
		res.report(out, fmt.Sprintf("Temporal only, %s (%s), c=%d", shape.name, shape.about, o.c))
		if res.errors > 0 {
			return fmt.Errorf("%d starts failed", res.errors)
		}
		stamps := acts.stamps
		if err := until(ctx, "every "+shape.name+" at its mark", func() bool { return stamps.count() >= n }); err != nil {
			return fmt.Errorf("%w (%d of %d)", err, stamps.count(), n)
		}
		var lags []time.Duration
		var last time.Time
		for i := range n {
			at := stamps.get(i)
			lags = append(lags, at.Sub(res.answered[i]))
			if at.After(last) {
				last = at
			}
		}
		elapsed := last.Sub(firstSent(res))
		fmt.Fprintf(out, "start → mark: %s; first start → last mark %s (%.1f/s)\n", percentiles(lags), elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	}
	return nil
}

// startMany signal-with-starts n workflows of type wf at conc in flight
// and records each call like fire records posts (200: started).
func startMany(ctx context.Context, c client.Client, wf string, n, conc int) benchResult {
	return drive(ctx, n, conc, func(i int) int {
		opts := client.StartWorkflowOptions{ID: fmt.Sprintf("%s-%d", wf, i), TaskQueue: benchTemporalQueue}
		if _, err := c.SignalWithStartWorkflow(ctx, opts.ID, "event", i, opts, wf, i); err != nil {
			return 0
		}
		return 200
	})
}

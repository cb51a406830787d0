package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// waitProgress is a waiting activity's heartbeat details: when it started
// (so a retry does not restart the ready timeout) and whether its input was
// sent (so a retry does not send it again).
type waitProgress struct {
	Start int64 `json:"start"`
	Sent  bool  `json:"sent,omitempty"`
}

// waiter keeps the clocks of one waiting activity and heartbeats for it
// from a goroutine, so a Coder call that takes longer than the heartbeat
// timeout does not get the attempt timed out and retried while its send is
// landing. Stop it when the activity returns.
type waiter struct {
	a          *Activities
	ctx        context.Context
	start      time.Time
	errorSince time.Time

	mu       sync.Mutex
	progress waitProgress
	done     chan struct{}
	wg       sync.WaitGroup
}

func (a *Activities) newWaiter(ctx context.Context) *waiter {
	w := &waiter{a: a, ctx: ctx, start: time.Now(), done: make(chan struct{})}
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		var p waitProgress
		if err := activity.GetHeartbeatDetails(ctx, &p); err == nil && p.Start > 0 {
			w.progress = p
		} else {
			// Attempts from before waitProgress recorded the start alone.
			var startUnix int64
			if err := activity.GetHeartbeatDetails(ctx, &startUnix); err == nil && startUnix > 0 {
				w.progress.Start = startUnix
			}
		}
		if w.progress.Start > 0 {
			w.start = time.Unix(0, w.progress.Start)
		}
	}
	w.progress.Start = w.start.UnixNano()
	if every := w.heartbeatEvery(); every > 0 {
		w.wg.Add(1)
		go w.beat(every)
	}
	return w
}

// heartbeatEvery is Timing.HeartbeatEvery, else a quarter of the
// activity's heartbeat timeout; 0 (outside an activity, or without a
// heartbeat timeout) means no background heartbeats.
func (w *waiter) heartbeatEvery() time.Duration {
	if !activity.IsActivity(w.ctx) {
		return 0
	}
	if w.a.Timing.HeartbeatEvery > 0 {
		return w.a.Timing.HeartbeatEvery
	}
	return activity.GetInfo(w.ctx).HeartbeatTimeout / 4
}

func (w *waiter) beat(every time.Duration) {
	defer w.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-w.ctx.Done():
			return
		case <-t.C:
			w.heartbeat()
		}
	}
}

func (w *waiter) heartbeat() {
	if !activity.IsActivity(w.ctx) {
		return
	}
	w.mu.Lock()
	p := w.progress
	w.mu.Unlock()
	activity.RecordHeartbeat(w.ctx, p)
}

// markSent records that the input was sent, at once.
func (w *waiter) markSent() {
	w.mu.Lock()
	w.progress.Sent = true
	w.mu.Unlock()
	w.heartbeat()
}

// stop ends the background heartbeats.
func (w *waiter) stop() {
	close(w.done)
	w.wg.Wait()
}

func (w *waiter) timedOut() bool { return time.Since(w.start) >= w.a.Timing.ReadyTimeout }

func (w *waiter) erroredTooLong() bool {
	if w.errorSince.IsZero() {
		w.errorSince = time.Now()
	}
	return time.Since(w.errorSince) >= w.a.Timing.ErrorGrace
}

func (w *waiter) resetError() { w.errorSince = time.Time{} }

// ErrTypeWorkerStopping is the (retryable) failure of a wait cut short
// because its worker is shutting down: the wait goes on at once on another
// worker, with the start time and the sent marker of the heartbeats.
const ErrTypeWorkerStopping = "WorkerStopping"

// sleep heartbeats and waits one poll interval. When the worker is
// stopping it returns at once: a wait between calls has nothing in flight,
// and failing the attempt (rather than being cancelled at the end of the
// stop timeout) lets Temporal retry it elsewhere right away.
func (w *waiter) sleep(ctx context.Context) error {
	w.heartbeat()
	t := time.NewTimer(w.a.Timing.PollInterval)
	defer t.Stop()
	var stopping <-chan struct{}
	if activity.IsActivity(ctx) {
		stopping = activity.GetWorkerStopChannel(ctx)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-stopping:
		w.heartbeat()
		return temporal.NewApplicationError("the worker is stopping; the wait goes on on another worker", ErrTypeWorkerStopping)
	case <-t.C:
		return nil
	}
}

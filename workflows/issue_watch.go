package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities/coder"
)

// Watch delays of a run with no event: the first check of its chat comes
// after Settings.WatchEvery, and each next one waits twice as long, up to
// maxWatchDelay. Once a check finds the chat waiting for input (what it
// reported new is on the status by then), the next waits waitingWatchDelay:
// only an input changes such a chat,
// and inputs from GitHub reset the delays (at 10,000 open chats a 10-minute
// check was 17 Coder reads and workflow tasks a second).
const (
	defaultWatchEvery = 30 * time.Second
	maxWatchDelay     = 10 * time.Minute
	waitingWatchDelay = 30 * time.Minute
)

// watchDelay is how long to wait for an event before checking the chat.
func (w *issueWorkflow) watchDelay() time.Duration {
	if w.chatWaiting {
		return waitingWatchDelay
	}
	d := w.in.Settings.WatchEvery
	if d <= 0 {
		d = defaultWatchEvery
	}
	for i := 0; i < w.watchStep && d < maxWatchDelay; i++ {
		d *= 2
	}
	return min(d, maxWatchDelay)
}

// watch checks an idle chat and updates the status comment when Coder
// reports something people should know: the pull request the agent opened,
// an error, or an error cleared. A chat archived or deleted in Coder ends
// the workflow, saying so.
func (w *issueWorkflow) watch(ctx workflow.Context) error {
	w.watchStep++
	var r coder.Readiness
	if err := w.look(ctx, a.CheckTask, *w.carry.Task, &r); err != nil {
		w.logger.Warn("chat not checked", "error", err)
		return nil
	}
	if r.Phase == coder.PhaseGone {
		w.logger.Info("the chat was archived or deleted in Coder; ending")
		w.carry.Task = nil
		return w.endWithStatus(ctx, statusGoneInCoder(w.in.Settings.AgentLogin))
	}
	pr, agentErr := w.carry.PullRequest, ""
	if r.PullRequest != "" {
		pr = r.PullRequest
	}
	if r.Phase == coder.PhaseErrored {
		agentErr = r.Error
		if agentErr == "" {
			agentErr = "the agent stopped with an error (Coder gave no message)"
		}
	}
	w.chatWaiting = r.Phase == coder.PhaseReady
	if pr == w.carry.PullRequest && agentErr == w.carry.AgentError {
		return nil
	}
	w.carry.PullRequest, w.carry.AgentError = pr, agentErr
	if agentErr != "" {
		w.watchStep = 0 // a person may reply soon; look again soon
	}
	return w.setStatus(ctx, w.carry.StatusText)
}

// statusBody is the status comment's visible text: text, then who asked
// (for a chat run as the service identity), the pull request, the agent's
// error, and the outsiders whose comments were skipped.
func (w *issueWorkflow) statusBody(text string) string {
	parts := []string{text}
	if t := w.carry.Task; t != nil && t.Shared && w.carry.Requester.Login != "" {
		parts = append(parts, "Requested by @"+w.carry.Requester.Login+".")
	}
	if w.carry.PullRequest != "" {
		parts = append(parts, "Pull request: "+w.carry.PullRequest)
	}
	if w.carry.AgentError != "" {
		parts = append(parts, agentErrorNote(w.carry.AgentError))
	}
	parts = append(parts, w.carry.Notes...)
	if len(w.carry.Outsiders) > 0 {
		parts = append(parts, outsiderNote(w.carry.Outsiders))
	}
	return strings.Join(parts, "\n\n")
}

// costLine is what the chat cost and how long it ran, as a paragraph to
// append, or "" when Coder does not say and the start is unknown.
func (w *issueWorkflow) costLine(ctx workflow.Context) string {
	var c coder.Cost
	if err := workflow.ExecuteActivity(bestEffortCtx(ctx), a.TaskCost, *w.carry.Task).Get(ctx, &c); err != nil {
		w.logger.Warn("chat cost not read", "error", err)
	}
	var ran time.Duration
	if !w.carry.StartedAt.IsZero() {
		ran = workflow.Now(ctx).Sub(w.carry.StartedAt)
	}
	return formatCost(c, ran)
}

// formatCost renders "\n\nCost: $0.42 (17 model requests). Ran for 1h 5m."
// with the parts that are known.
func formatCost(c coder.Cost, ran time.Duration) string {
	var parts []string
	if c.Known {
		s := fmt.Sprintf("Cost: %s (%d model %s)", dollars(c.Micros), c.Requests, plural(c.Requests, "request", "requests"))
		if c.Unpriced > 0 {
			s += fmt.Sprintf(", not counting %d without a price", c.Unpriced)
		}
		parts = append(parts, s+".")
	}
	if ran > 0 {
		parts = append(parts, "Ran for "+humanDuration(ran)+".")
	}
	if len(parts) == 0 {
		return ""
	}
	return "\n\n" + strings.Join(parts, " ")
}

// dollars renders micro-dollars: cents above a cent, four places below.
func dollars(micros int64) string {
	if micros > 0 && micros < 10000 {
		return fmt.Sprintf("$%.4f", float64(micros)/1e6)
	}
	return fmt.Sprintf("$%.2f", float64(micros)/1e6)
}

// humanDuration renders a duration as "2h 5m", "3m 12s" or "45s".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

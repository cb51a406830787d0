package workflows

import (
	"encoding/json"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// Bounds of one issue workflow run, well inside Temporal's limits (51,200
// events and 50 MB of history; warnings from 10,240 events and 10 MB).
const (
	defaultMaxRunEvents = 10_000
	defaultMaxRunBytes  = 8 << 20
	// pendingBudget bounds the events carried into the next run: comment
	// bodies beyond it are left out and read back from GitHub when sent,
	// so the continue-as-new input stays far under 1 MiB.
	pendingBudget = 256 << 10
	// elideAbove is the body size from which a carried comment may be left
	// out (smaller ones cost less than the call to read them back).
	elideAbove = 256
)

func (w *issueWorkflow) maxRunEvents() int {
	if n := w.in.Settings.MaxRunEvents; n > 0 {
		return n
	}
	return defaultMaxRunEvents
}

func (w *issueWorkflow) maxRunBytes() int {
	if n := w.in.Settings.MaxRunBytes; n > 0 {
		return n
	}
	return defaultMaxRunBytes
}

// runTooBig reports whether this run's history reached its bound (runs
// with changeHandover only).
func (w *issueWorkflow) runTooBig(ctx workflow.Context) bool {
	if !w.confirmCancel {
		return false
	}
	info := workflow.GetInfo(ctx)
	return info.GetCurrentHistoryLength() >= w.maxRunEvents() || info.GetCurrentHistorySize() >= w.maxRunBytes()
}

// checkBounds, after each signal, rolls the run over when its history is
// too big: the delivery waiting for a busy agent is cancelled (and put
// back) so the run can continue as new. Without it a flood during one long
// wait would grow a single run without limit.
func (w *issueWorkflow) checkBounds(ctx workflow.Context) {
	if w.rollover || !w.runTooBig(ctx) {
		return
	}
	w.rollover = true
	w.logger.Info("run history at its bound; continuing as new",
		"events", workflow.GetInfo(ctx).GetCurrentHistoryLength(), "bytes", workflow.GetInfo(ctx).GetCurrentHistorySize())
	if w.cancelWork != nil {
		w.cancelWork()
	}
}

// compactPending makes the events carried into the next run small: the
// repository (the workflow's own) is left out of each, and when they are
// still over pendingBudget the biggest comment bodies are left out too
// (Comment.Elided), to be read back when sent.
func (w *issueWorkflow) compactPending(pending []IssueEvent) []IssueEvent {
	out := slices.Clone(pending)
	for i := range out {
		if out[i].Repo == w.in.Repo {
			out[i].Repo = Repo{}
		}
	}
	size := jsonSize(out)
	if size <= pendingBudget {
		return out
	}
	idx := make([]int, 0, len(out))
	for i, ev := range out {
		if ev.Comment != nil && len(ev.Comment.Body) > elideAbove {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int { return len(out[y].Comment.Body) - len(out[x].Comment.Body) })
	for _, i := range idx {
		if size <= pendingBudget {
			break
		}
		c := *out[i].Comment
		size -= len(c.Body)
		c.Body, c.Elided = "", true
		out[i].Comment = &c
	}
	return out
}

// restorePending puts back what compactPending left out of the carry.
func (w *issueWorkflow) restorePending(pending []IssueEvent) {
	for i := range pending {
		if pending[i].Repo.Name == "" {
			pending[i].Repo = w.in.Repo
		}
	}
}

// elidedBody reads a carried comment's body back from GitHub; ok is false
// (and the status comment says so) when it was deleted or cannot be read.
func (w *issueWorkflow) elidedBody(ctx workflow.Context, ev IssueEvent) (string, bool) {
	c := ev.Comment
	kind := "issue"
	switch ev.Kind {
	case KindReviewComment:
		kind = "review_comment"
	case KindReview:
		kind = "review"
	}
	in := activities.CommentBodyInput{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Kind: kind, ID: c.ID, PRNumber: c.PRNumber}
	var got activities.CommentBody
	if err := workflow.ExecuteActivity(githubCtx(ctx), a.FetchCommentBody, in).Get(ctx, &got); err != nil || !got.Found {
		w.logger.Warn("carried comment could not be read back; not forwarded", "comment", c.ID, "error", err)
		w.note(ctx, noteUnreadable(c.Author.Login, c.URL))
		return "", false
	}
	return got.Body, true
}

func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

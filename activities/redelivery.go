package activities

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
)

// MaxRedeliveryAge bounds how far back the reconciler looks: GitHub keeps
// deliveries for 3 days (7 on GHES).
const MaxRedeliveryAge = 72 * time.Hour

// DefaultMaxRedeliveries is how many times one delivery is asked for again
// before the reconciler gives up on it.
const DefaultMaxRedeliveries = 3

// FindUndeliveredInput asks which deliveries since a time never reached
// code-factory.
type FindUndeliveredInput struct {
	Since time.Time `json:"since"`
	// MaxRedeliveries: a delivery redelivered this many times already is
	// left alone (0: DefaultMaxRedeliveries).
	MaxRedeliveries int `json:"max_redeliveries,omitempty"`
}

// Undelivered is one delivery (a GUID) none of whose attempts succeeded.
type Undelivered struct {
	GUID   string `json:"guid"`
	Event  string `json:"event"`
	Action string `json:"action,omitempty"`
	// LatestID is the newest attempt, the one to redeliver.
	LatestID int64 `json:"latest_id"`
	// Attempts and Redeliveries count what GitHub tried so far.
	Attempts     int `json:"attempts"`
	Redeliveries int `json:"redeliveries"`
}

// UndeliveredResult is what FindUndelivered found.
type UndeliveredResult struct {
	// Scanned counts the attempts read back to Since.
	Scanned int `json:"scanned"`
	// Undelivered are the deliveries to ask for again, oldest first.
	Undelivered []Undelivered `json:"undelivered,omitempty"`
	// GivenUp are deliveries already redelivered MaxRedeliveries times.
	GivenUp []string `json:"given_up,omitempty"`
}

// FindUndelivered pages the App's delivery log back to Since and groups the
// attempts by GUID: a GUID with no 2xx attempt was not taken by the
// ingress (Temporal was down, the ingress was down or rejected it). One
// already asked for MaxRedeliveries times is left alone, so each delivery
// is asked for a bounded number of times; GitHub's own log remembers what
// was asked (the redelivery attempts), across runs and workers.
func (a *Activities) FindUndelivered(ctx context.Context, in FindUndeliveredInput) (UndeliveredResult, error) {
	limit := in.MaxRedeliveries
	if limit <= 0 {
		limit = DefaultMaxRedeliveries
	}
	type group struct {
		u               Undelivered
		ok              bool
		first, latestAt time.Time
		firstID         int64
	}
	groups := map[string]*group{}
	var res UndeliveredResult
	cursor := ""
	for {
		page, next, err := a.GitHub.HookDeliveries(ctx, cursor)
		if err != nil {
			return UndeliveredResult{}, err
		}
		older := false
		for _, d := range page {
			if d.DeliveredAt.Before(in.Since) {
				older = true
				continue
			}
			res.Scanned++
			g := groups[d.GUID]
			if g == nil {
				g = &group{u: Undelivered{GUID: d.GUID, Event: d.Event, Action: d.Action, LatestID: d.ID}, first: d.DeliveredAt, latestAt: d.DeliveredAt, firstID: d.ID}
				groups[d.GUID] = g
			}
			g.u.Attempts++
			if d.Redelivery {
				g.u.Redeliveries++
			}
			if d.Succeeded() {
				g.ok = true
			}
			if d.DeliveredAt.After(g.latestAt) || (d.DeliveredAt.Equal(g.latestAt) && d.ID > g.u.LatestID) {
				g.latestAt, g.u.LatestID = d.DeliveredAt, d.ID
			}
			if d.DeliveredAt.Before(g.first) || (d.DeliveredAt.Equal(g.first) && d.ID < g.firstID) {
				g.first, g.firstID = d.DeliveredAt, d.ID
			}
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, res.Scanned)
		}
		if next == "" || older {
			break
		}
		cursor = next
	}
	var list []*group
	for _, g := range groups {
		switch {
		case g.ok:
		case g.u.Redeliveries >= limit:
			res.GivenUp = append(res.GivenUp, g.u.GUID)
		default:
			list = append(list, g)
		}
	}
	// Oldest first; attempts logged within one second keep the order of
	// their ids.
	slices.SortFunc(list, func(x, y *group) int {
		if c := x.first.Compare(y.first); c != 0 {
			return c
		}
		return cmp.Compare(x.firstID, y.firstID)
	})
	for _, g := range list {
		res.Undelivered = append(res.Undelivered, g.u)
	}
	slices.Sort(res.GivenUp)
	return res, nil
}

// Redeliver asks GitHub to deliver each attempt again, oldest first, so
// the ingress sees them in their order. It returns how many were asked
// for; a retry asks again only for the ones after the last recorded in
// its heartbeat.
func (a *Activities) Redeliver(ctx context.Context, ids []int64) (int, error) {
	done := 0
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &done); err != nil {
			done = 0
		}
	}
	for i := done; i < len(ids); i++ {
		if err := a.GitHub.Redeliver(ctx, ids[i]); err != nil {
			return i, fmt.Errorf("redeliver %d: %w", ids[i], err)
		}
		a.Metrics.redelivery(1)
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, i+1)
		}
	}
	return len(ids), nil
}

// LastRedeliveryRun is when the previous reconciler run that completed
// started (zero when there was none): the next one reads the log back to
// there, however long Temporal was down in between.
func (a *Activities) LastRedeliveryRun(ctx context.Context, workflowType string) (time.Time, error) {
	if a.Workflows == nil {
		return time.Time{}, nil
	}
	resp, err := a.Workflows.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query:    fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Completed'", workflowType),
		PageSize: 100,
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("list reconciler runs: %w", err)
	}
	var last time.Time
	for _, e := range resp.GetExecutions() {
		if t := e.GetStartTime().AsTime(); t.After(last) {
			last = t
		}
	}
	return last, nil
}

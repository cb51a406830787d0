package github

import (
	"context"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// HookDelivery is one attempt to deliver a webhook to the App, as GitHub's
// delivery log shows it.
//
// Wire facts (go-github v66 apps_hooks_deliveries.go, repos_hooks_deliveries.go;
// GitHub REST "List deliveries for an app webhook"): GET /app/hook/deliveries
// with the App JWT, per_page up to 100, newest first, the next page's
// cursor in the Link header (go-github: Response.Cursor); each attempt has
// id, guid (the X-GitHub-Delivery, shared by redeliveries), delivered_at,
// redelivery, status_code (0 when the request failed). POST
// /app/hook/deliveries/{id}/attempts asks GitHub to deliver it again (202).
type HookDelivery struct {
	ID          int64
	GUID        string
	DeliveredAt time.Time
	Redelivery  bool
	StatusCode  int
	Event       string
	Action      string
}

// Succeeded reports a 2xx answer.
func (d HookDelivery) Succeeded() bool { return d.StatusCode >= 200 && d.StatusCode < 300 }

// HookDeliveries returns one page of the App's delivery log (newest first)
// from cursor ("" for the newest) and the next page's cursor ("" at the end).
func (f *Factory) HookDeliveries(ctx context.Context, cursor string) ([]HookDelivery, string, error) {
	c := f.appClient()
	ds, resp, err := c.Apps.ListHookDeliveries(ctx, &gh.ListCursorOptions{PerPage: 100, Cursor: cursor})
	if err != nil {
		return nil, "", fmt.Errorf("list app hook deliveries: %w", err)
	}
	out := make([]HookDelivery, 0, len(ds))
	for _, d := range ds {
		out = append(out, HookDelivery{
			ID: d.GetID(), GUID: d.GetGUID(), DeliveredAt: d.GetDeliveredAt().Time, Redelivery: d.GetRedelivery(),
			StatusCode: d.GetStatusCode(), Event: d.GetEvent(), Action: d.GetAction(),
		})
	}
	return out, resp.Cursor, nil
}

// Redeliver asks GitHub to deliver attempt id again.
func (f *Factory) Redeliver(ctx context.Context, id int64) error {
	if _, _, err := f.appClient().Apps.RedeliverHookDelivery(ctx, id); err != nil {
		// go-github reports GitHub's 202 Accepted as an AcceptedError.
		var accepted *gh.AcceptedError
		if errors.As(err, &accepted) {
			return nil
		}
		return fmt.Errorf("redeliver hook delivery %d: %w", id, err)
	}
	return nil
}

// appClient is a go-github client authenticated as the App (JWT).
func (f *Factory) appClient() *gh.Client {
	c := gh.NewClient(f.app)
	c.BaseURL = f.apiURL
	c.UserAgent = userAgent
	return c
}

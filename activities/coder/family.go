package coder

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
)

// API prefixes. Tasks and Chats each started under /api/experimental and
// were promoted to /api/v2: current codersdk/aitasks.go and
// codersdk/chats.go call "/api/v2/tasks" and "/api/v2/chats", while
// earlier docs/ai-coder/agents/chats-api.md documents
// "/api/experimental/chats" behind the agents experiment (Chats reached
// /api/v2 in v2.37).
const (
	prefixV2           = "/api/v2"
	prefixExperimental = "/api/experimental"
)

// family is one API that may live under either prefix. It uses /api/v2
// until the server shows it lacks the route, then /api/experimental for
// good once that answers. Safe for concurrent use.
type family struct {
	// name is the resource, "tasks" or "chats".
	name         string
	experimental atomic.Bool
}

// path is the full path of suffix ("" or "/{id}/...") under the current prefix.
func (f *family) path(experimental bool, suffix string) string {
	p := prefixV2
	if experimental {
		p = prefixExperimental
	}
	return p + "/" + f.name + suffix
}

// call runs r, whose path is a suffix after "/{prefix}/{name}", falling back
// to the experimental prefix when /api/v2 lacks the route. list marks the
// collection itself, where any 404 means the route is missing (there is no
// resource to be missing).
func (f *family) call(ctx context.Context, c *Client, r call, list bool) error {
	suffix := r.path
	if f.experimental.Load() {
		r.path = f.path(true, suffix)
		return c.send(ctx, r)
	}
	r.path = f.path(false, suffix)
	err := c.send(ctx, r)
	if !isRouteMissing(err, list) {
		return err
	}
	r.path = f.path(true, suffix)
	errOld := c.send(ctx, r)
	if isRouteMissing(errOld, list) || IsStatus(errOld, http.StatusForbidden) {
		return err
	}
	f.experimental.Store(true)
	return errOld
}

// isRouteMissing reports whether err says the endpoint itself does not
// exist. The collection has no resource to miss, so any 404 counts there.
func isRouteMissing(err error, list bool) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusNotFound {
		return false
	}
	return list || e.routeMissing
}

// Availability is whether a deployment serves an API, and where.
type Availability struct {
	// Available is true when the collection answered 2xx.
	Available bool `json:"available"`
	// Path is the collection's path, e.g. "/api/v2/chats".
	Path string `json:"path,omitempty"`
	// Status is the HTTP status of the last probe (0 on a network error).
	Status int `json:"status,omitempty"`
}

// probe lists the collection once (q narrows it to the caller's own
// resources so the answer stays small). A 404 or 403 (an experiment that is
// off: coderd's httpmw.RequireExperiment answers 403) on both prefixes
// means the API is absent. 401 and network errors are errors.
func (f *family) probe(ctx context.Context, c *Client, q map[string][]string) (Availability, error) {
	var sink any
	err := f.call(ctx, c, call{method: http.MethodGet, query: q, out: &sink}, true)
	var e *Error
	switch {
	case err == nil:
		return Availability{Available: true, Path: f.path(f.experimental.Load(), ""), Status: http.StatusOK}, nil
	case errors.As(err, &e) && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusForbidden):
		return Availability{Path: f.path(false, ""), Status: e.StatusCode}, nil
	}
	return Availability{}, err
}

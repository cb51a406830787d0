package coder

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// The CODER_BACKEND values.
const (
	// BackendAuto picks Chats where the deployment has them, else Tasks.
	BackendAuto = "auto"
	// BackendTasks always uses Coder Tasks.
	BackendTasks = "tasks"
	// BackendChats always uses Coder Agents chats.
	BackendChats = "chats"
)

// Choice is the backend picked for a deployment, and why.
type Choice struct {
	// Kind is the backend new runs use.
	Kind Kind
	// Reason says why, for the start-up log.
	Reason string
	// Tasks and Chats are what the probes found.
	Tasks, Chats Availability
}

// ErrNoAgentAPI means the deployment has neither the Tasks nor the Chats API.
var ErrNoAgentAPI = errors.New("coder: the deployment serves neither the Chats API (/api/v2/chats, Coder v2.37+) nor the Tasks API (/api/v2/tasks, up to the v2.34 ESR)")

// Choose probes the deployment once and picks the backend for pref
// (BackendAuto, BackendTasks or BackendChats). Auto prefers Chats, the API
// Coder supports going forward; Tasks is deprecated since v2.34, off by
// default from v2.36 and removed in v2.38. A preference the deployment
// cannot serve, or a deployment with neither, is an error.
func Choose(ctx context.Context, c *Client, pref string) (Choice, error) {
	var ch Choice
	var err error
	if ch.Chats, err = c.ProbeChats(ctx); err != nil {
		return Choice{}, probeError(c, err)
	}
	if ch.Tasks, err = c.ProbeTasks(ctx); err != nil {
		return Choice{}, probeError(c, err)
	}
	switch pref {
	case BackendChats:
		if !ch.Chats.Available {
			return ch, fmt.Errorf("coder: CODER_BACKEND=chats, but %s has no Chats API (HTTP %d at %s); it needs Coder v2.37 or newer, or an earlier release with the agents experiment on", c.URL(), ch.Chats.Status, ch.Chats.Path)
		}
		ch.Kind, ch.Reason = KindChat, "CODER_BACKEND=chats; Chats API at "+ch.Chats.Path
	case BackendTasks:
		if !ch.Tasks.Available {
			return ch, fmt.Errorf("coder: CODER_BACKEND=tasks, but %s has no Tasks API (HTTP %d at %s); it was removed in Coder v2.38", c.URL(), ch.Tasks.Status, ch.Tasks.Path)
		}
		ch.Kind, ch.Reason = KindTask, "CODER_BACKEND=tasks; Tasks API at "+ch.Tasks.Path
	case BackendAuto, "":
		switch {
		case ch.Chats.Available:
			ch.Kind, ch.Reason = KindChat, "the deployment serves the Chats API at "+ch.Chats.Path
			if ch.Tasks.Available {
				ch.Reason += " (it also serves the deprecated Tasks API; set CODER_BACKEND=tasks to keep using it)"
			}
		case ch.Tasks.Available:
			ch.Kind, ch.Reason = KindTask, "the deployment has no Chats API; it serves the Tasks API at "+ch.Tasks.Path
		default:
			return ch, fmt.Errorf("%w: %s answered HTTP %d for chats and %d for tasks", ErrNoAgentAPI, c.URL(), ch.Chats.Status, ch.Tasks.Status)
		}
	default:
		return ch, fmt.Errorf("coder: CODER_BACKEND %q is not auto, tasks or chats", pref)
	}
	return ch, nil
}

// probeError explains a probe that could not tell.
func probeError(c *Client, err error) error {
	if IsStatus(err, http.StatusUnauthorized) {
		return fmt.Errorf("coder: %s refused CODER_TOKEN (HTTP 401); check that the token is valid and not expired", c.URL())
	}
	return fmt.Errorf("coder: cannot tell which agent API %s serves: %w", c.URL(), err)
}

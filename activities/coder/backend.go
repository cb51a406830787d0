package coder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
)

// Kind says which Coder API an agent run lives in.
type Kind string

// The kinds.
const (
	// KindTask is a Coder Task (/api/v2/tasks).
	KindTask Kind = "task"
	// KindChat is a Coder Agents chat (/api/v2/chats).
	KindChat Kind = "chat"
)

// Ref identifies an agent run (a task or a chat) across workflow steps; it
// travels through Temporal, so it is plain JSON and holds no credential.
// Histories recorded before chats existed have no "kind": that is a task.
type Ref struct {
	// Kind is "" (a task, in old histories), "task" or "chat".
	Kind Kind `json:"kind,omitempty"`
	// ID is the task's or chat's id.
	ID string `json:"id"`
	// Name is the task name (for a chat: the name of its workspace, if any).
	Name string `json:"name"`
	// Owner is the Coder username the run belongs to.
	Owner       string `json:"owner"`
	WorkspaceID string `json:"workspace_id,omitempty"`
	// URL is the run's page for people.
	URL string `json:"url"`
	// OwnsWorkspace: the workspace was made for this run and goes with it.
	OwnsWorkspace bool `json:"owns_workspace,omitempty"`
	// Shared: the run belongs to the service identity, not to the person
	// who asked for it (CODER_CHAT_IDENTITY=service).
	Shared bool `json:"shared,omitempty"`
}

// KindOrTask is the ref's kind, with the old histories' "" read as a task.
func (r Ref) KindOrTask() Kind {
	if r.Kind == "" {
		return KindTask
	}
	return r.Kind
}

// CreateSpec describes an agent run to create (or adopt). Each backend uses
// the fields its API has and ignores the others.
type CreateSpec struct {
	// Name is the task name, and a chat's workspace name (at most 32
	// characters, letters and digits joined by single dashes).
	Name string
	// Owner is the Coder username the run acts as.
	Owner string
	// TemplateName is the template; "" means the backend's configured one
	// for a task, and Coder Agents' own choice for a chat.
	TemplateName string
	// Preset is a task's preset name; "" means the configured preset when
	// the template is the configured one, else the template's default
	// preset (none if it has no default). A named preset that does not
	// exist is an error (ErrPresetNotFound).
	Preset string
	// Input is a task's initial input: a prompt, or the template inputs as
	// JSON for a repository with a config file.
	Input string
	// Prompt is a chat's first message.
	Prompt string
	// Params are the template inputs as rich parameters: a chat with
	// Params gets a workspace of TemplateName built with them first.
	Params []Param
	// Labels identify a chat; a live chat carrying all of them is adopted.
	Labels map[string]string
	// Identity is what the run is for (the URL), "" when Name is
	// unique by itself. A task found by Name is adopted only when its
	// prompt names Identity; otherwise another repository's issue has the
	// same name, and the run gets DistinctName(Name, Identity). A chat's
	// workspace is always named that way.
	Identity string
}

// DistinctName is name made unique to identity: cut to leave room, then
// "-" and six hex digits of identity's SHA-256, within Coder's 32
// characters. It is deterministic, so a retried create finds its run.
func DistinctName(name, identity string) string {
	sum := sha256.Sum256([]byte(identity))
	suffix := "-" + hex.EncodeToString(sum[:])[:6]
	if room := maxNameLen - len(suffix); len(name) > room {
		name = strings.TrimRight(name[:room], "-")
	}
	return name + suffix
}

// maxNameLen is Coder's limit on task and workspace names (codersdk.NameValid).
const maxNameLen = 32

// mentions reports whether text names url as a whole (".../issues/7" is not
// named by ".../issues/70").
func mentions(text, url string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], url)
		if j < 0 {
			return false
		}
		end := i + j + len(url)
		if end == len(text) || text[end] < '0' || text[end] > '9' {
			return true
		}
		i = end
	}
}

// Phase is what a workflow can do with a run right now.
type Phase string

// The phases.
const (
	// PhaseReady: the agent is idle (or finished or failed) and takes input.
	PhaseReady Phase = "ready"
	// PhaseBusy: the agent is working.
	PhaseBusy Phase = "busy"
	// PhaseStarting: the run's workspace is starting.
	PhaseStarting Phase = "starting"
	// PhasePaused: the workspace is stopped; Resume starts it.
	PhasePaused Phase = "paused"
	// PhaseNoState: active, but the agent has not reported a state yet.
	PhaseNoState Phase = "no_state"
	// PhaseErrored: the run is in error or an unknown status.
	PhaseErrored Phase = "errored"
	// PhaseGone: the run no longer exists (or is archived).
	PhaseGone Phase = "gone"
)

// Readiness is the result of Check: the phase plus the raw Coder status and
// agent state it was derived from, and what people should be told.
type Readiness struct {
	Phase  Phase  `json:"phase"`
	Status string `json:"status,omitempty"`
	State  string `json:"state,omitempty"`
	// Error is the agent's last error message (a chat in error, or a
	// workspace build that failed), "" when there is none.
	Error string `json:"error,omitempty"`
	// PullRequest is the URL of the pull request the agent opened, if known.
	PullRequest string `json:"pull_request,omitempty"`
}

// Cost is what a run cost, when the deployment reports it.
type Cost struct {
	// Known is false when the deployment does not report costs.
	Known bool `json:"known"`
	// Micros is the total in millionths of a US dollar.
	Micros int64 `json:"micros"`
	// Requests counts model requests; Unpriced those without a price.
	Requests int64 `json:"requests"`
	Unpriced int64 `json:"unpriced,omitempty"`
}

// Backend is what the workflows need from a Coder API. Each method is one
// step a Temporal activity can retry; none polls or waits. TasksBackend and
// ChatsBackend implement it.
type Backend interface {
	// Kind is the kind of run the backend makes.
	Kind() Kind
	// QueuesInput reports that the API queues input sent while the agent
	// works, so a send need not wait for the agent to be idle.
	QueuesInput() bool
	// LookupOwner returns the Coder username a run started by the GitHub
	// user acts as, or a *NoUserError when there is not exactly one.
	LookupOwner(ctx context.Context, githubUserID int64) (string, error)
	// CreateOrAdopt returns the owner's run described by spec, creating it
	// if there is none (adopted reports that it already existed).
	CreateOrAdopt(ctx context.Context, spec CreateSpec) (ref Ref, adopted bool, err error)
	// Check reports the run's phase; a run that no longer exists is
	// PhaseGone, not an error.
	Check(ctx context.Context, ref Ref) (Readiness, error)
	// Resume starts a paused run.
	Resume(ctx context.Context, ref Ref) error
	// Send sends input to the run; ErrNotReady (wrapped) when it cannot
	// take input now.
	Send(ctx context.Context, ref Ref, input string) error
	// Delete ends the run: a task is deleted; a working chat is
	// interrupted, then archived, and a workspace made for it deleted.
	// Ending a run that is gone succeeds.
	Delete(ctx context.Context, ref Ref) error
	// Cost reports what the run cost (Known false when not reported).
	Cost(ctx context.Context, ref Ref) (Cost, error)
}

// Backends holds one Backend per kind. New runs are made by the chosen
// one; a run made earlier is handled by the backend of its kind, so
// workflows started before a switch keep working.
type Backends struct {
	chosen Backend
	byKind map[Kind]Backend
}

// NewBackends returns Backends that create runs with chosen and handle
// existing runs of every kind given.
func NewBackends(chosen Backend, others ...Backend) *Backends {
	b := &Backends{chosen: chosen, byKind: map[Kind]Backend{chosen.Kind(): chosen}}
	for _, o := range others {
		if _, ok := b.byKind[o.Kind()]; !ok {
			b.byKind[o.Kind()] = o
		}
	}
	return b
}

// Chosen is the backend that creates new runs.
func (b *Backends) Chosen() Backend { return b.chosen }

// For is the backend of ref's kind.
func (b *Backends) For(ref Ref) (Backend, error) {
	if be, ok := b.byKind[ref.KindOrTask()]; ok {
		return be, nil
	}
	return nil, fmt.Errorf("coder: no backend for runs of kind %q", ref.KindOrTask())
}

// logOnce logs a message once per key for the life of the process.
type logOnce struct {
	logger *slog.Logger
	seen   syncSet
}

func (l *logOnce) warn(key, msg string, args ...any) {
	if l.logger != nil && l.seen.add(key) {
		l.logger.Warn(msg, args...)
	}
}

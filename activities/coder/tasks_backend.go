package coder

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// TasksConfig configures TasksBackend.
type TasksConfig struct {
	// Organization holds the templates (name or id).
	Organization string
	// TemplateName is the default template.
	TemplateName string
	// Preset is the preset of TemplateName to use; "" means its default.
	Preset string
	// PublicURL is the deployment's URL as users open it (CODER_URL).
	PublicURL string
}

// TasksBackend implements Backend over Coder's Tasks API.
type TasksBackend struct {
	c   *Client
	cfg TasksConfig
}

var _ Backend = (*TasksBackend)(nil)

// NewTasksBackend returns a Backend over Coder Tasks.
func NewTasksBackend(c *Client, cfg TasksConfig) *TasksBackend {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &TasksBackend{c: c, cfg: cfg}
}

// Kind implements Backend.
func (b *TasksBackend) Kind() Kind { return KindTask }

// QueuesInput implements Backend: a task takes input only while idle.
func (b *TasksBackend) QueuesInput() bool { return false }

// LookupOwner implements Backend.
func (b *TasksBackend) LookupOwner(ctx context.Context, githubUserID int64) (string, error) {
	return lookupLinkedUser(ctx, b.c, githubUserID)
}

// lookupLinkedUser returns the one Coder user linked to a GitHub user id.
func lookupLinkedUser(ctx context.Context, c *Client, githubUserID int64) (string, error) {
	if githubUserID <= 0 {
		return "", fmt.Errorf("coder: %w: GitHub user id %d", ErrInvalidGitHubUser, githubUserID)
	}
	users, err := c.UsersByGitHubID(ctx, githubUserID)
	if err != nil {
		return "", err
	}
	// A server that ignored the filter would list everyone: keep only
	// users that are not shown linked to some other GitHub account.
	var match []User
	for _, u := range users {
		if u.GitHubComUserID == 0 || u.GitHubComUserID == githubUserID {
			match = append(match, u)
		}
	}
	if len(match) != 1 {
		return "", &NoUserError{GitHubUserID: githubUserID, Count: len(match)}
	}
	return match[0].Username, nil
}

// CreateOrAdopt implements Backend: it lists the owner's tasks and adopts
// one with the same name; otherwise it resolves template → active version
// → preset and creates the task. A 409 from the create (the task appeared
// meanwhile) is answered by listing again and adopting.
func (b *TasksBackend) CreateOrAdopt(ctx context.Context, spec CreateSpec) (Ref, bool, error) {
	if spec.Name == "" || spec.Owner == "" {
		return Ref{}, false, fmt.Errorf("coder: create task: %w", ErrBadSpec)
	}
	ref, ok, taken, err := b.find(ctx, spec)
	if err != nil || ok {
		return ref, ok, err
	}
	if taken {
		// Another issue's task has the name: use this issue's own.
		spec.Name = DistinctName(spec.Name, spec.Identity)
		if ref, ok, _, err := b.find(ctx, spec); err != nil || ok {
			return ref, ok, err
		}
	}
	tmplName, preset := spec.TemplateName, spec.Preset
	if tmplName == "" {
		tmplName = b.cfg.TemplateName
	}
	if tmplName == "" {
		return Ref{}, false, fmt.Errorf("coder: create task: %w", ErrNoTemplate)
	}
	if preset == "" && tmplName == b.cfg.TemplateName {
		preset = b.cfg.Preset
	}
	tmpl, err := templateByName(ctx, b.c, b.cfg.Organization, tmplName)
	if err != nil {
		return Ref{}, false, err
	}
	presets, err := b.c.Presets(ctx, tmpl.ActiveVersionID)
	if err != nil {
		return Ref{}, false, err
	}
	presetID, err := choosePreset(presets, preset, tmplName)
	if err != nil {
		return Ref{}, false, err
	}
	t, err := b.c.CreateTask(ctx, spec.Owner, CreateTaskRequest{
		Name:                    spec.Name,
		TemplateVersionID:       tmpl.ActiveVersionID,
		TemplateVersionPresetID: presetID,
		Input:                   spec.Input,
	})
	if IsStatus(err, http.StatusConflict) {
		if ref, ok, _, ferr := b.find(ctx, spec); ferr != nil || ok {
			return ref, ok, ferr
		}
	}
	if err != nil {
		return Ref{}, false, err
	}
	return b.ref(t, spec.Owner), false, nil
}

// find looks for the owner's task named spec.Name that is for
// spec.Identity; taken reports a task of that name for something else.
func (b *TasksBackend) find(ctx context.Context, spec CreateSpec) (ref Ref, ok, taken bool, err error) {
	tasks, err := b.c.ListTasks(ctx, spec.Owner)
	if err != nil {
		return Ref{}, false, false, err
	}
	for _, t := range tasks {
		if t.Name != spec.Name {
			continue
		}
		if spec.Identity != "" && !mentions(t.InitialPrompt, spec.Identity) {
			return Ref{}, false, true, nil
		}
		return b.ref(t, spec.Owner), true, false, nil
	}
	return Ref{}, false, false, nil
}

// templateByName looks a template up, saying which one is missing.
func templateByName(ctx context.Context, c *Client, org, name string) (Template, error) {
	t, err := c.TemplateByName(ctx, org, name)
	if IsStatus(err, http.StatusNotFound) {
		return Template{}, fmt.Errorf("coder: there is no template %q in organization %q: %w", name, org, err)
	}
	return t, err
}

// choosePreset returns the id of the named preset, or of the default one
// when name is empty ("" if there is no default).
func choosePreset(presets []Preset, name, tmplName string) (string, error) {
	for _, p := range presets {
		if (name != "" && p.Name == name) || (name == "" && p.Default) {
			return p.ID, nil
		}
	}
	if name != "" {
		return "", fmt.Errorf("%w: %q in template %q", ErrPresetNotFound, name, tmplName)
	}
	return "", nil
}

func (b *TasksBackend) ref(t Task, owner string) Ref {
	return Ref{
		Kind:        KindTask,
		ID:          t.ID,
		Name:        t.Name,
		Owner:       owner,
		WorkspaceID: t.WorkspaceID,
		URL:         b.cfg.PublicURL + "/tasks/" + url.PathEscape(owner) + "/" + url.PathEscape(t.ID),
	}
}

// Check implements Backend.
func (b *TasksBackend) Check(ctx context.Context, ref Ref) (Readiness, error) {
	t, err := b.c.GetTask(ctx, ref.Owner, ref.ID)
	if IsStatus(err, http.StatusNotFound) {
		return Readiness{Phase: PhaseGone}, nil
	}
	if err != nil {
		return Readiness{}, err
	}
	r := Readiness{Phase: PhaseOf(t), Status: string(t.Status)}
	if t.CurrentState != nil {
		r.State = t.CurrentState.State
	}
	return r, nil
}

// PhaseOf maps a task's status and agent state to a Phase.
func PhaseOf(t Task) Phase {
	switch t.Status {
	case TaskStatusPending, TaskStatusInitializing:
		return PhaseStarting
	case TaskStatusPaused:
		return PhasePaused
	case TaskStatusActive:
		if t.CurrentState == nil {
			return PhaseNoState
		}
		switch t.CurrentState.State {
		case StateIdle, StateComplete, StateFailed, StateFailure:
			return PhaseReady
		}
		// working, or a state this code does not know: do not interrupt.
		return PhaseBusy
	}
	return PhaseErrored
}

// Resume implements Backend by starting the task's workspace. A 409 (a
// build is already running, e.g. a retried start) counts as success.
func (b *TasksBackend) Resume(ctx context.Context, ref Ref) error {
	ws := ref.WorkspaceID
	if ws == "" {
		t, err := b.c.GetTask(ctx, ref.Owner, ref.ID)
		if err != nil {
			return err
		}
		ws = t.WorkspaceID
	}
	if ws == "" {
		return fmt.Errorf("coder: task %s has no workspace to start", ref.ID)
	}
	err := b.c.StartWorkspace(ctx, ws)
	if IsStatus(err, http.StatusConflict) {
		return nil
	}
	return err
}

// Send implements Backend. 409 (task not active) and 502 (agent busy or
// unreachable) become ErrNotReady, as does the 400 "Task status must be
// active." of Coder releases that answered so before 409 existed.
func (b *TasksBackend) Send(ctx context.Context, ref Ref, input string) error {
	err := b.c.SendInput(ctx, ref.Owner, ref.ID, input)
	var e *Error
	if errors.As(err, &e) {
		notActive := e.StatusCode == http.StatusBadRequest && strings.HasPrefix(e.Message, "Task status must be active")
		if e.StatusCode == http.StatusConflict || e.StatusCode == http.StatusBadGateway || notActive {
			return fmt.Errorf("%w: %w", ErrNotReady, err)
		}
	}
	return err
}

// Delete implements Backend.
func (b *TasksBackend) Delete(ctx context.Context, ref Ref) error {
	err := b.c.DeleteTask(ctx, ref.Owner, ref.ID)
	if IsStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// Cost implements Backend: Tasks report no costs.
func (b *TasksBackend) Cost(context.Context, Ref) (Cost, error) { return Cost{}, nil }

// syncSet is a set of strings safe for concurrent use.
type syncSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

// add records s and reports whether it was new.
func (s *syncSet) add(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]struct{}{}
	}
	if _, ok := s.m[v]; ok {
		return false
	}
	s.m[v] = struct{}{}
	return true
}

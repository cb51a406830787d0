package fakecoder

import (
	"fmt"
	"strings"
	"time"
)

// taskRec is a task plus its simulated lifecycle.
type taskRec struct {
	Task
	// startupLeft is how many more GETs answer initializing/pending.
	startupLeft int
	// workLeft is how many more GETs answer working.
	workLeft int
	// held freezes the lifecycle.
	held bool
}

func (t *taskRec) snapshot() Task {
	c := t.Task
	if t.CurrentState != nil {
		st := *t.CurrentState
		c.CurrentState = &st
	}
	return c
}

func (t *taskRec) ownedBy(owner string) bool {
	return strings.EqualFold(t.OwnerName, owner) || t.OwnerID == owner
}

// polls turns an Options poll count into a countdown: 0 means 1, negative 0.
func polls(n int) int {
	switch {
	case n == 0:
		return 1
	case n < 0:
		return 0
	}
	return n
}

// workspaceStatus is the workspace_status Coder shows next to a task status.
func workspaceStatus(status string) string {
	switch status {
	case StatusPending:
		return "pending"
	case StatusInitializing:
		return "starting"
	case StatusActive:
		return "running"
	case StatusPaused:
		return "stopped"
	case StatusError:
		return "failed"
	}
	return "unknown"
}

// The helpers below run with s.mu held.

func (s *Server) setStatus(t *taskRec, status string) {
	t.Status = status
	t.WorkspaceStatus = workspaceStatus(status)
	t.UpdatedAt = time.Now().UTC()
}

func (s *Server) setState(t *taskRec, state string) {
	now := time.Now().UTC()
	t.CurrentState = &TaskState{Timestamp: now, State: state, Message: "fakecoder: " + state}
	t.UpdatedAt = now
}

// startCountdown starts (or restarts) a task's startup; with no startup
// polls it is active/idle at once.
func (s *Server) startCountdown(t *taskRec) {
	t.startupLeft = polls(s.opts.StartupPolls)
	if t.startupLeft == 0 {
		s.setStatus(t, StatusActive)
		s.setState(t, StateIdle)
	}
}

// afterPoll advances the lifecycle after a GET of the task was answered.
func (s *Server) afterPoll(t *taskRec) {
	if t.held {
		return
	}
	switch {
	case t.Status == StatusInitializing || t.Status == StatusPending:
		if t.startupLeft > 0 {
			t.startupLeft--
		}
		if t.startupLeft == 0 {
			s.setStatus(t, StatusActive)
			s.setState(t, StateIdle)
		}
	case t.Status == StatusActive && t.CurrentState != nil && t.CurrentState.State == StateWorking:
		if t.workLeft > 0 {
			t.workLeft--
		}
		if t.workLeft == 0 {
			s.setState(t, StateIdle)
		}
	}
}

func (s *Server) findTask(owner, idOrName string) *taskRec {
	for _, t := range s.tasks {
		if t.ownedBy(owner) && (t.ID == idOrName || t.Name == idOrName) {
			return t
		}
	}
	return nil
}

// lookup finds a task for the scripting methods: by id, else by name.
func (s *Server) lookup(idOrName string) (*taskRec, error) {
	for _, t := range s.tasks {
		if t.ID == idOrName {
			return t, nil
		}
	}
	for _, t := range s.tasks {
		if t.Name == idOrName {
			return t, nil
		}
	}
	return nil, fmt.Errorf("fakecoder: no task %q", idOrName)
}

func (s *Server) taskByWorkspace(id string) *taskRec {
	for _, t := range s.tasks {
		if t.WorkspaceID == id {
			return t
		}
	}
	return nil
}

func (s *Server) templateByVersion(versionID string) *Template {
	for i := range s.templates {
		if s.templates[i].ActiveVersionID == versionID {
			return &s.templates[i].Template
		}
	}
	return nil
}

// SetTask sets a task's status and current state (nil state is JSON null).
// The lifecycle restarts from there: an initializing or pending task counts
// StartupPolls GETs again, a working one WorkPolls. id may also be a name.
func (s *Server) SetTask(id string, status string, state *string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(id)
	if err != nil {
		return err
	}
	s.setStatus(t, status)
	if state == nil {
		t.CurrentState = nil
	} else {
		s.setState(t, *state)
	}
	t.startupLeft = polls(s.opts.StartupPolls)
	t.workLeft = polls(s.opts.WorkPolls)
	return nil
}

// Hold freezes a task's or chat's lifecycle: while held, a working task
// stays working (and an initializing one initializing), and a running chat
// stays running, however often it is polled.
func (s *Server) Hold(id string) error { return s.setHeld(id, true) }

// Release undoes Hold; the lifecycle continues on the next GET.
func (s *Server) Release(id string) error { return s.setHeld(id, false) }

func (s *Server) setHeld(id string, held bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, err := s.chatByID(id); err == nil {
		ch.held = held
		return nil
	}
	t, err := s.lookup(id)
	if err != nil {
		return err
	}
	t.held = held
	return nil
}

// PauseTask pauses a task as if its workspace stopped. A workspace build
// with transition "start" resumes it.
func (s *Server) PauseTask(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(id)
	if err != nil {
		return err
	}
	s.setStatus(t, StatusPaused)
	return nil
}

// Task returns a task by id (or name) as the API would show it, without
// advancing its lifecycle.
func (s *Server) Task(id string) (Task, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(id)
	if err != nil {
		return Task{}, false
	}
	return t.snapshot(), true
}

// Tasks returns all tasks in creation order.
func (s *Server) Tasks() []Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Task, 0, len(s.tasks))
	for _, t := range s.tasks {
		out = append(out, t.snapshot())
	}
	return out
}

package fakecoder

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// maxTaskName is Coder's limit on task (workspace) names.
const maxTaskName = 32

// handleListTasks serves GET {prefix}/tasks?q=owner:<user> status:<status>.
func (s *Server) handleListTasks(w http.ResponseWriter, r *http.Request) {
	terms, bad := parseQuery(r.URL.Query().Get("q"), "owner", "status", "organization")
	if bad != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid task search query.", Validations: bad})
		return
	}
	s.mu.Lock()
	tasks := []Task{}
	for _, t := range s.tasks {
		if v, ok := terms["owner"]; ok && !t.ownedBy(v) {
			continue
		}
		if v, ok := terms["status"]; ok && t.Status != v {
			continue
		}
		if v, ok := terms["organization"]; ok && t.OrganizationID != v && s.orgs[v] != t.OrganizationID {
			continue
		}
		tasks = append(tasks, t.snapshot())
	}
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks, "count": len(tasks)})
}

// handleCreateTask serves POST {prefix}/tasks/{owner}.
func (s *Server) handleCreateTask(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Failed to read request body.", Detail: err.Error()})
		return
	}
	var body CreateTaskBody
	if err := json.Unmarshal(raw, &body); err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Request body must be valid JSON.", Detail: err.Error()})
		return
	}
	owner := r.PathValue("owner")

	s.mu.Lock()
	defer s.mu.Unlock()
	user := s.userByName(owner)
	if owner == "me" {
		u := callerOf(r)
		user = &u
	}
	if user == nil {
		s.notFound(w)
		return
	}
	tmpl := s.templateByVersion(body.TemplateVersionID)
	if tmpl == nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Template version not found or you do not have access to this resource"})
		return
	}
	if body.TemplateVersionPresetID != "" && !slices.ContainsFunc(s.presets[body.TemplateVersionID], func(p Preset) bool {
		return p.ID == body.TemplateVersionPresetID
	}) {
		s.writeError(w, http.StatusBadRequest, errorResponse{
			Message:     "Invalid template version preset.",
			Validations: []Validation{{Field: "template_version_preset_id", Detail: "preset not found for the template version"}},
		})
		return
	}
	name := body.Name
	if name == "" {
		name = "task-" + newUUID()[:8]
	}
	if err := validName(name); err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{
			Message:     "Unable to create a Task with the provided name.",
			Detail:      err.Error(),
			Validations: []Validation{{Field: "name", Detail: err.Error()}},
		})
		return
	}
	for _, t := range s.tasks {
		if t.OwnerID == user.ID && t.Name == name {
			s.writeError(w, http.StatusConflict, errorResponse{
				Message:     fmt.Sprintf("Workspace %q already exists.", name),
				Validations: []Validation{{Field: "name", Detail: "This value is already in use and should be unique."}},
			})
			return
		}
	}
	now := time.Now().UTC()
	t := &taskRec{Task: Task{
		ID:                newUUID(),
		OrganizationID:    tmpl.OrganizationID,
		OwnerID:           user.ID,
		OwnerName:         user.Username,
		Name:              name,
		DisplayName:       name,
		TemplateID:        tmpl.ID,
		TemplateVersionID: body.TemplateVersionID,
		WorkspaceID:       newUUID(),
		InitialPrompt:     body.Input,
		CreatedAt:         now,
	}}
	if body.DisplayName != "" {
		t.DisplayName = body.DisplayName
	}
	s.setStatus(t, StatusInitializing)
	s.startCountdown(t)
	s.tasks = append(s.tasks, t)
	s.created = append(s.created, CreateRecord{Kind: KindTask, ID: t.ID, Owner: user.Username, Name: name, Input: body.Input, Body: body, Raw: raw, At: time.Now()})
	s.writeJSON(w, http.StatusCreated, t.snapshot())
}

// handleGetTask serves GET {prefix}/tasks/{owner}/{task}. Each GET answers
// the current state and then advances the simulated lifecycle.
func (s *Server) handleGetTask(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTask(r.PathValue("owner"), r.PathValue("task"))
	if t == nil {
		s.notFound(w)
		return
	}
	snap := t.snapshot()
	s.afterPoll(t)
	s.writeJSON(w, http.StatusOK, snap)
}

// handleDeleteTask serves DELETE {prefix}/tasks/{owner}/{task}.
func (s *Server) handleDeleteTask(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTask(r.PathValue("owner"), r.PathValue("task"))
	if t == nil {
		s.notFound(w)
		return
	}
	s.tasks = slices.DeleteFunc(s.tasks, func(x *taskRec) bool { return x == t })
	s.ended(t.ID)
	w.WriteHeader(http.StatusAccepted)
}

// handleSend serves POST {prefix}/tasks/{owner}/{task}/send: 409 unless the
// task is active, 502 while it is working, else 204.
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Input string `json:"input"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	if body.Input == "" {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Task input is required."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTask(r.PathValue("owner"), r.PathValue("task"))
	if t == nil {
		s.notFound(w)
		return
	}
	if t.Status != StatusActive {
		s.writeError(w, http.StatusConflict, errorResponse{
			Message: "Task app is not ready to accept input.",
			Detail:  fmt.Sprintf("Task status is %q, it must be %q to interact with the task.", t.Status, StatusActive),
		})
		return
	}
	if t.CurrentState != nil && t.CurrentState.State == StateWorking {
		s.writeError(w, http.StatusBadGateway, errorResponse{
			Message: "Task app is not ready to accept input.",
			Detail:  "Status: running",
		})
		return
	}
	s.sent[t.ID] = append(s.sent[t.ID], Message{Text: body.Input, At: time.Now()})
	s.setState(t, StateWorking)
	t.workLeft = polls(s.opts.WorkPolls)
	if t.workLeft == 0 {
		s.setState(t, StateIdle)
	}
	w.WriteHeader(http.StatusNoContent)
}

// validName applies Coder's name rule (codersdk.NameValid): at most 32
// characters, ASCII letters and digits in groups joined by single hyphens.
func validName(name string) error {
	if len(name) > maxTaskName {
		return fmt.Errorf("must be <= %d characters", maxTaskName)
	}
	prevHyphen := true // a leading hyphen is as bad as a doubled one
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			prevHyphen = false
		case c == '-' && !prevHyphen:
			prevHyphen = true
		default:
			return fmt.Errorf("must be alphanumeric with hyphens")
		}
	}
	if prevHyphen {
		return fmt.Errorf("must be alphanumeric with hyphens")
	}
	return nil
}

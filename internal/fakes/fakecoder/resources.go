package fakecoder

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// handleUsers serves GET /api/v2/users?q=... with the filters
// github_com_user_id:<id> and username:<name>.
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	terms, bad := parseQuery(r.URL.Query().Get("q"), "github_com_user_id", "username")
	if bad != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid user search query.", Validations: bad})
		return
	}
	var ghID int64
	if v, ok := terms["github_com_user_id"]; ok {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.writeError(w, http.StatusBadRequest, errorResponse{
				Message:     "Invalid user search query.",
				Validations: []Validation{{Field: "github_com_user_id", Detail: "Query param \"github_com_user_id\" must be a valid integer"}},
			})
			return
		}
		ghID = id
	}
	s.mu.Lock()
	users := []User{}
	for _, u := range s.users {
		if _, ok := terms["github_com_user_id"]; ok && u.GitHubComUserID != ghID {
			continue
		}
		if v, ok := terms["username"]; ok && !strings.EqualFold(u.Username, v) {
			continue
		}
		users = append(users, u)
	}
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, map[string]any{"users": users, "count": len(users)})
}

// handleTemplate serves GET /api/v2/organizations/{org}/templates/{name};
// {org} may be the organization's name or id.
func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	org, name := r.PathValue("org"), r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.templates {
		if (t.org == org || t.OrganizationID == org) && t.Name == name {
			s.writeJSON(w, http.StatusOK, t.Template)
			return
		}
	}
	s.notFound(w)
}

// handlePresets serves GET /api/v2/templateversions/{id}/presets.
func (s *Server) handlePresets(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.presets[r.PathValue("id")]
	if !ok {
		s.notFound(w)
		return
	}
	s.writeJSON(w, http.StatusOK, ps)
}

// handleBuild serves POST /api/v2/workspaces/{id}/builds. For a workspace
// made through the API it runs the transition; for a task's workspace,
// "start" resumes the task (initializing, then active/idle per
// StartupPolls) and "stop" pauses it.
func (s *Server) handleBuild(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Transition string `json:"transition"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	wsID := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if ws := s.workspaceByID(wsID); ws != nil {
		s.buildWorkspace(w, ws, req.Transition)
		return
	}
	t := s.taskByWorkspace(wsID)
	if t == nil {
		s.notFound(w)
		return
	}
	switch req.Transition {
	case "start":
		if t.Status != StatusPaused && t.Status != StatusError {
			s.writeError(w, http.StatusConflict, errorResponse{
				Message: "A workspace build is already active.",
				Detail:  "Task status is " + t.Status + ".",
			})
			return
		}
		t.CurrentState = nil
		s.setStatus(t, StatusInitializing)
		s.startCountdown(t)
	case "stop":
		s.setStatus(t, StatusPaused)
	default:
		s.writeError(w, http.StatusBadRequest, errorResponse{
			Message:     "Invalid workspace build request.",
			Validations: []Validation{{Field: "transition", Detail: "must be \"start\" or \"stop\""}},
		})
		return
	}
	s.writeJSON(w, http.StatusCreated, map[string]any{
		"id":           newUUID(),
		"workspace_id": wsID,
		"transition":   req.Transition,
		"status":       "pending",
	})
}

// parseQuery splits a Coder search query ("key:value key:value") and
// reports unknown keys and malformed terms as validations.
func parseQuery(q string, keys ...string) (map[string]string, []Validation) {
	terms := map[string]string{}
	var bad []Validation
	for _, term := range strings.Fields(q) {
		k, v, ok := strings.Cut(term, ":")
		if !ok || v == "" {
			bad = append(bad, Validation{Field: "q", Detail: "Query element " + strconv.Quote(term) + " must be of the form key:value"})
			continue
		}
		if !slices.Contains(keys, k) {
			bad = append(bad, Validation{Field: k, Detail: "Query param " + strconv.Quote(k) + " is not a valid query param"})
			continue
		}
		terms[k] = v
	}
	return terms, bad
}

package fakecoder

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// workspaceRec is a workspace made through POST /users/{user}/workspaces:
// its latest build moves pending → starting → running as it is polled.
type workspaceRec struct {
	Workspace
	// startupLeft is how many more GETs answer pending/starting.
	startupLeft int
	// failBuild makes the start build end "failed".
	failBuild bool
}

// Workspace is a workspace as the fake returns it (codersdk.Workspace's
// fields that matter here).
type Workspace struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	OwnerID         string          `json:"owner_id"`
	OwnerName       string          `json:"owner_name"`
	OrganizationID  string          `json:"organization_id"`
	TemplateID      string          `json:"template_id"`
	LatestBuild     WorkspaceBuild  `json:"latest_build"`
	CreatedAt       time.Time       `json:"created_at"`
	RichParameters  []RichParameter `json:"-"`
	DeleteRequested bool            `json:"-"`
}

// WorkspaceBuild is a workspace's latest build.
type WorkspaceBuild struct {
	ID          string `json:"id"`
	Transition  string `json:"transition"`
	Status      string `json:"status"`
	BuildNumber int    `json:"build_number"`
}

// RichParameter is a rich parameter value of a workspace build.
type RichParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// handleCreateWorkspace serves POST /api/v2/users/{user}/workspaces (and the
// deprecated /organizations/{org}/members/{user}/workspaces).
func (s *Server) handleCreateWorkspace(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TemplateID          string          `json:"template_id"`
		Name                string          `json:"name"`
		RichParameterValues []RichParameter `json:"rich_parameter_values"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	caller := callerOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := s.pathUser(r)
	if owner == nil {
		s.notFound(w)
		return
	}
	if !s.isAdmin(caller) && owner.ID != caller.ID {
		s.writeError(w, http.StatusForbidden, errorResponse{Message: "Forbidden."})
		return
	}
	var tmpl *Template
	for i := range s.templates {
		if s.templates[i].ID == body.TemplateID {
			tmpl = &s.templates[i].Template
		}
	}
	if tmpl == nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Template not found.", Validations: []Validation{{Field: "template_id", Detail: "template not found"}}})
		return
	}
	if err := validName(body.Name); err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid workspace name.", Validations: []Validation{{Field: "name", Detail: err.Error()}}})
		return
	}
	for _, ws := range s.workspaces {
		if ws.OwnerID == owner.ID && ws.Name == body.Name && !ws.deleted() {
			s.writeError(w, http.StatusConflict, errorResponse{
				Message:     fmt.Sprintf("Workspace %q already exists.", body.Name),
				Validations: []Validation{{Field: "name", Detail: "This value is already in use and should be unique."}},
			})
			return
		}
	}
	ws := &workspaceRec{Workspace: Workspace{
		ID: newUUID(), Name: body.Name, OwnerID: owner.ID, OwnerName: owner.Username,
		OrganizationID: tmpl.OrganizationID, TemplateID: tmpl.ID, CreatedAt: time.Now().UTC(),
		LatestBuild:    WorkspaceBuild{ID: newUUID(), Transition: "start", Status: "pending", BuildNumber: 1},
		RichParameters: slices.Clone(body.RichParameterValues),
	}, startupLeft: polls(s.opts.StartupPolls)}
	if ws.startupLeft == 0 {
		ws.LatestBuild.Status = "running"
	}
	s.workspaces = append(s.workspaces, ws)
	s.writeJSON(w, http.StatusCreated, ws.Workspace)
}

// handleWorkspaceByName serves GET /api/v2/users/{user}/workspace/{name}.
func (s *Server) handleWorkspaceByName(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := r.PathValue("user")
	if user == "me" {
		user = callerOf(r).Username
	}
	for _, ws := range s.workspaces {
		if strings.EqualFold(ws.OwnerName, user) && ws.Name == r.PathValue("name") && !ws.deleted() {
			s.writeJSON(w, http.StatusOK, ws.Workspace)
			return
		}
	}
	s.notFound(w)
}

// handleGetWorkspace serves GET /api/v2/workspaces/{id}; each GET answers
// the current build and then advances it.
func (s *Server) handleGetWorkspace(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.workspaceByID(r.PathValue("id"))
	if ws == nil {
		s.notFound(w)
		return
	}
	snap := ws.Workspace
	s.advanceWorkspace(ws)
	s.writeJSON(w, http.StatusOK, snap)
}

// advanceWorkspace moves a workspace's build on by one poll.
func (s *Server) advanceWorkspace(ws *workspaceRec) {
	b := &ws.LatestBuild
	switch {
	case b.Transition == "delete" && b.Status == "deleting":
		b.Status = "deleted"
	case b.Transition == "start" && (b.Status == "pending" || b.Status == "starting"):
		if ws.startupLeft > 0 {
			ws.startupLeft--
			b.Status = "starting"
		}
		if ws.startupLeft == 0 {
			b.Status = "running"
			if ws.failBuild {
				b.Status = "failed"
			}
		}
	}
}

func (ws *workspaceRec) deleted() bool {
	return ws.LatestBuild.Transition == "delete" && ws.LatestBuild.Status == "deleted"
}

// buildWorkspace runs a build transition on a workspace made through the
// API. Call with s.mu held.
func (s *Server) buildWorkspace(w http.ResponseWriter, ws *workspaceRec, transition string) {
	b := &ws.LatestBuild
	active := b.Status == "pending" || b.Status == "starting" || b.Status == "deleting" || b.Status == "stopping"
	if active {
		s.writeError(w, http.StatusConflict, errorResponse{Message: "A workspace build is already active.", Detail: "Build status is " + b.Status + "."})
		return
	}
	if ws.deleted() {
		s.writeError(w, http.StatusGone, errorResponse{Message: "Workspace " + ws.Name + " was deleted."})
		return
	}
	next := WorkspaceBuild{ID: newUUID(), Transition: transition, BuildNumber: b.BuildNumber + 1}
	switch transition {
	case "delete":
		next.Status = "deleting"
		ws.DeleteRequested = true
	case "stop":
		next.Status = "stopped"
	case "start":
		next.Status = "running"
	}
	ws.LatestBuild = next
	s.writeJSON(w, http.StatusCreated, next)
}

func (s *Server) workspaceByID(id string) *workspaceRec {
	for _, ws := range s.workspaces {
		if ws.ID == id {
			return ws
		}
	}
	return nil
}

// Workspaces returns the workspaces made through the API, in order.
func (s *Server) Workspaces() []Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Workspace, len(s.workspaces))
	for i, ws := range s.workspaces {
		out[i] = ws.Workspace
		out[i].RichParameters = slices.Clone(ws.RichParameters)
	}
	return out
}

// FailWorkspaceBuild makes a workspace's start build end "failed".
func (s *Server) FailWorkspaceBuild(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.workspaceByID(id)
	if ws == nil {
		return fmt.Errorf("fakecoder: no workspace %q", id)
	}
	ws.failBuild = true
	if ws.LatestBuild.Status == "running" {
		ws.LatestBuild.Status = "failed"
	}
	return nil
}

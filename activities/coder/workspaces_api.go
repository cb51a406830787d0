package coder

import (
	"context"
	"net/http"
	"net/url"
)

// CreateWorkspace creates a workspace for user (a username, or "me" for the
// token's user) from a template's active version.
//
// POST /api/v2/users/{user}/workspaces with codersdk.CreateWorkspaceRequest
// {"template_id", "name", "rich_parameter_values": [{"name", "value"}]}
// answers 201 codersdk.Workspace (codersdk.Client.CreateUserWorkspace,
// codersdk/organizations.go; the older
// /api/v2/organizations/{org}/members/{user}/workspaces is deprecated in
// its favour). Names follow codersdk.NameValid: at most 32 characters,
// letters and digits joined by single hyphens; a taken name answers 409.
func (c *Client) CreateWorkspace(ctx context.Context, token, user string, req CreateWorkspaceRequest) (Workspace, error) {
	var w Workspace
	err := c.send(ctx, call{method: http.MethodPost, path: "/api/v2/users/" + url.PathEscape(user) + "/workspaces", in: req, out: &w, token: token})
	return w, err
}

// WorkspaceByName returns user's workspace by name
// (GET /api/v2/users/{user}/workspace/{name}; codersdk.Client.WorkspaceByOwnerAndName).
func (c *Client) WorkspaceByName(ctx context.Context, token, user, name string) (Workspace, error) {
	var w Workspace
	err := c.send(ctx, call{method: http.MethodGet, path: "/api/v2/users/" + url.PathEscape(user) + "/workspace/" + url.PathEscape(name), out: &w, token: token})
	return w, err
}

// GetWorkspace returns a workspace by id (GET /api/v2/workspaces/{id}).
func (c *Client) GetWorkspace(ctx context.Context, token, id string) (Workspace, error) {
	var w Workspace
	err := c.send(ctx, call{method: http.MethodGet, path: "/api/v2/workspaces/" + url.PathEscape(id), out: &w, token: token})
	return w, err
}

// BuildWorkspace starts a build with a transition: "start", "stop" or
// "delete" (POST /api/v2/workspaces/{id}/builds with
// codersdk.CreateWorkspaceBuildRequest {"transition"} answers 201; a build
// already running answers 409).
func (c *Client) BuildWorkspace(ctx context.Context, token, id, transition string) error {
	body := struct {
		Transition string `json:"transition"`
	}{transition}
	return c.send(ctx, call{method: http.MethodPost, path: "/api/v2/workspaces/" + url.PathEscape(id) + "/builds", in: body, token: token})
}

// StartWorkspace starts a workspace build with transition "start", which
// resumes a paused task.
func (c *Client) StartWorkspace(ctx context.Context, workspaceID string) error {
	return c.BuildWorkspace(ctx, "", workspaceID, "start")
}

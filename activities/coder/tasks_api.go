package coder

import (
	"context"
	"net/http"
	"net/url"
)

// Tasks endpoints (codersdk/aitasks.go): GET /api/v2/tasks?q=owner:{user}
// answers {"tasks": [...], "count": N}; POST /api/v2/tasks/{owner} answers
// 201 Task; GET, DELETE (202) /api/v2/tasks/{owner}/{task}; POST
// .../{task}/send {"input"} answers 204. Removed in v2.38; the ESR (v2.34)
// serves them. Before v2.28 they lived under /api/experimental.

// ListTasks returns the tasks of an owner (a username); all visible tasks
// when owner is empty. Coder cannot filter by name: callers do.
func (c *Client) ListTasks(ctx context.Context, owner string) ([]Task, error) {
	var q url.Values
	if owner != "" {
		q = url.Values{"q": {"owner:" + owner}}
	}
	var resp struct {
		Tasks []Task `json:"tasks"`
	}
	if err := c.tasks.call(ctx, c, call{method: http.MethodGet, query: q, out: &resp}, true); err != nil {
		return nil, err
	}
	return resp.Tasks, nil
}

// GetTask returns a task by owner and task id (or name).
func (c *Client) GetTask(ctx context.Context, owner, id string) (Task, error) {
	var t Task
	err := c.tasks.call(ctx, c, call{method: http.MethodGet, path: taskPath(owner, id), out: &t}, false)
	return t, err
}

// CreateTask creates a task for owner.
func (c *Client) CreateTask(ctx context.Context, owner string, req CreateTaskRequest) (Task, error) {
	var t Task
	err := c.tasks.call(ctx, c, call{method: http.MethodPost, path: "/" + url.PathEscape(owner), in: req, out: &t}, false)
	return t, err
}

// SendInput sends input to a task's agent. Coder answers 409 while the task
// is not active and 502 while its agent is busy.
func (c *Client) SendInput(ctx context.Context, owner, id, input string) error {
	body := struct {
		Input string `json:"input"`
	}{input}
	return c.tasks.call(ctx, c, call{method: http.MethodPost, path: taskPath(owner, id) + "/send", in: body}, false)
}

// DeleteTask deletes a task (Coder answers 202 and deletes its workspace).
func (c *Client) DeleteTask(ctx context.Context, owner, id string) error {
	return c.tasks.call(ctx, c, call{method: http.MethodDelete, path: taskPath(owner, id)}, false)
}

func taskPath(owner, id string) string {
	return "/" + url.PathEscape(owner) + "/" + url.PathEscape(id)
}

// ProbeTasks reports whether the deployment serves the Tasks API.
func (c *Client) ProbeTasks(ctx context.Context) (Availability, error) {
	return c.tasks.probe(ctx, c, url.Values{"q": {"owner:me"}})
}

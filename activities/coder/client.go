// Package coder talks to a Coder deployment: a typed client of the REST API
// (users, templates, presets, tasks, workspace builds) and Backend, the small
// set of task operations the workflows need, implemented over Coder Tasks by
// TasksBackend.
package coder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

const (
	// tokenHeader carries the session token.
	tokenHeader = "Coder-Session-Token"
	// defaultTimeout bounds every request of a client built without one.
	defaultTimeout = 30 * time.Second
	// maxResponse caps the size of a successful response body.
	maxResponse = 16 << 20
	// maxErrorBody caps how much of an error body is read.
	maxErrorBody = 64 << 10
	// maxRawMessage is how much of a non-JSON error body goes in Error.Message.
	maxRawMessage = 512

	tasksV2           = "/api/v2"
	tasksExperimental = "/api/experimental"
)

// Client is a Coder REST client. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	hc    *http.Client
	// experimental is set once the server has shown it lacks /api/v2/tasks;
	// tasks endpoints then use /api/experimental/tasks.
	experimental atomic.Bool
}

// NewClient returns a client for the deployment at baseURL (e.g.
// "https://coder.example.com") authenticating with a session token. A nil hc
// means a client with a 30 s timeout. Redirects to another host are refused
// so the token never leaves the deployment.
func NewClient(baseURL, token string, hc *http.Client) *Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		c.Timeout = defaultTimeout
	}
	if c.CheckRedirect == nil {
		c.CheckRedirect = sameHostRedirect
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, hc: &c}
}

func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("refusing redirect to another host %q", req.URL.Host)
	}
	return nil
}

// UsersByGitHubID returns the Coder users linked to a GitHub user id.
func (c *Client) UsersByGitHubID(ctx context.Context, id int64) ([]User, error) {
	var resp struct {
		Users []User `json:"users"`
	}
	q := url.Values{"q": {"github_com_user_id:" + strconv.FormatInt(id, 10)}}
	if err := c.do(ctx, http.MethodGet, "/api/v2/users", q, nil, &resp); err != nil {
		return nil, err
	}
	return resp.Users, nil
}

// TemplateByName returns a template of an organization (name or id).
func (c *Client) TemplateByName(ctx context.Context, org, name string) (Template, error) {
	var t Template
	err := c.do(ctx, http.MethodGet, "/api/v2/organizations/"+url.PathEscape(org)+"/templates/"+url.PathEscape(name), nil, nil, &t)
	return t, err
}

// Presets returns the presets of a template version (none when Coder
// answers null).
func (c *Client) Presets(ctx context.Context, versionID string) ([]Preset, error) {
	var ps []Preset
	err := c.do(ctx, http.MethodGet, "/api/v2/templateversions/"+url.PathEscape(versionID)+"/presets", nil, nil, &ps)
	return ps, err
}

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
	if err := c.doTasks(ctx, http.MethodGet, "/tasks", q, nil, &resp); err != nil {
		return nil, err
	}
	return resp.Tasks, nil
}

// GetTask returns a task by owner and task id (or name).
func (c *Client) GetTask(ctx context.Context, owner, id string) (Task, error) {
	var t Task
	err := c.doTasks(ctx, http.MethodGet, taskPath(owner, id), nil, nil, &t)
	return t, err
}

// CreateTask creates a task for owner.
func (c *Client) CreateTask(ctx context.Context, owner string, req CreateTaskRequest) (Task, error) {
	var t Task
	err := c.doTasks(ctx, http.MethodPost, "/tasks/"+url.PathEscape(owner), nil, req, &t)
	return t, err
}

// SendInput sends input to a task's agent. Coder answers 409 while the task
// is not active and 502 while its agent is busy.
func (c *Client) SendInput(ctx context.Context, owner, id, input string) error {
	body := struct {
		Input string `json:"input"`
	}{input}
	return c.doTasks(ctx, http.MethodPost, taskPath(owner, id)+"/send", nil, body, nil)
}

// DeleteTask deletes a task (Coder answers 202 and deletes its workspace).
func (c *Client) DeleteTask(ctx context.Context, owner, id string) error {
	return c.doTasks(ctx, http.MethodDelete, taskPath(owner, id), nil, nil, nil)
}

// StartWorkspace starts a workspace build with transition "start", which
// resumes a paused task.
func (c *Client) StartWorkspace(ctx context.Context, workspaceID string) error {
	body := struct {
		Transition string `json:"transition"`
	}{"start"}
	return c.do(ctx, http.MethodPost, "/api/v2/workspaces/"+url.PathEscape(workspaceID)+"/builds", nil, body, nil)
}

func taskPath(owner, id string) string {
	return "/tasks/" + url.PathEscape(owner) + "/" + url.PathEscape(id)
}

// doTasks calls a tasks endpoint (suffix after the API prefix). It uses
// /api/v2 until the server shows it lacks the route, then falls back to
// /api/experimental, for good once that answers.
func (c *Client) doTasks(ctx context.Context, method, suffix string, q url.Values, in, out any) error {
	if c.experimental.Load() {
		return c.do(ctx, method, tasksExperimental+suffix, q, in, out)
	}
	err := c.do(ctx, method, tasksV2+suffix, q, in, out)
	if !isRouteMissing(err, suffix == "/tasks") {
		return err
	}
	errOld := c.do(ctx, method, tasksExperimental+suffix, q, in, out)
	if isRouteMissing(errOld, suffix == "/tasks") {
		return err
	}
	c.experimental.Store(true)
	return errOld
}

// isRouteMissing reports whether err says the endpoint itself does not
// exist. The task list has no resource to miss, so any 404 counts there.
func isRouteMissing(err error, list bool) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusNotFound {
		return false
	}
	return list || e.routeMissing
}

// do sends one request and decodes a 2xx JSON answer into out (if non-nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("coder: %s %s: encode request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("coder: %s %s: %w", method, path, err)
	}
	req.Header.Set(tokenHeader, c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// *url.Error repeats the full URL; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("coder: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(resp, method, path)
	}
	if out == nil {
		if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)); err != nil {
			return fmt.Errorf("coder: %s %s: read response: %w", method, path, err)
		}
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(out); err != nil {
		return fmt.Errorf("coder: %s %s: decode response: %w", method, path, err)
	}
	return nil
}

// apiError builds an *Error from a non-2xx response.
func (c *Client) apiError(resp *http.Response, method, path string) error {
	e := &Error{StatusCode: resp.StatusCode, Method: method, Path: path}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		e.Message = "(error body unreadable: " + err.Error() + ")"
		return e
	}
	var body struct {
		Message     string       `json:"message"`
		Detail      string       `json:"detail"`
		Validations []Validation `json:"validations"`
	}
	if json.Unmarshal(raw, &body) == nil && body.Message != "" {
		e.Message = c.redact(body.Message)
		e.Detail = c.redact(body.Detail)
		for _, v := range body.Validations {
			e.Validations = append(e.Validations, Validation{Field: v.Field, Detail: c.redact(v.Detail)})
		}
		e.routeMissing = strings.EqualFold(strings.TrimSpace(body.Message), "Route not found.")
	} else {
		e.Message = cut(c.redact(strings.TrimSpace(string(raw))), maxRawMessage)
		e.routeMissing = true
	}
	return e
}

// redact removes the session token from text that came from the server.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[REDACTED]")
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

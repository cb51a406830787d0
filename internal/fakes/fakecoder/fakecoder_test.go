package fakecoder

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const testToken = "test-session-token"

type client struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
}

func newClient(t *testing.T, s *Server) *client {
	return &client{t: t, base: s.URL(), token: testToken, hc: &http.Client{Timeout: 10 * time.Second}}
}

// do sends a request and returns the status and body.
func (c *client) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	code, b, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	return code, b
}

// try is do for goroutines other than the test's.
func (c *client) try(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if c.token != "" {
		req.Header.Set(tokenHeader, c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) task(path string) Task {
	c.t.Helper()
	code, b := c.do("GET", path, nil)
	if code != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	var t Task
	if err := json.Unmarshal(b, &t); err != nil {
		c.t.Fatal(err)
	}
	return t
}

func stateOf(t Task) string {
	if t.CurrentState == nil {
		return "null"
	}
	return t.CurrentState.State
}

func decodeErr(t *testing.T, b []byte) errorResponse {
	t.Helper()
	var e errorResponse
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", b, err)
	}
	if e.Message == "" {
		t.Fatalf("error body %q has no message", b)
	}
	return e
}

// seed returns a fake with user alice and a template, and a created task.
func seed(t *testing.T, opts Options) (*Server, *client, Task) {
	t.Helper()
	opts.Token = testToken
	s := New(opts)
	t.Cleanup(s.Close)
	s.AddUser(7, "alice")
	tmpl := s.AddTemplate("default", "task-template", Preset{Name: "p", Default: true})
	c := newClient(t, s)
	prefix := "/api/v2"
	if opts.OldServer {
		prefix = "/api/experimental"
	}
	code, b := c.do("POST", prefix+"/tasks/alice", CreateTaskBody{Name: "gh-widgets-1", TemplateVersionID: tmpl.ActiveVersionID, Input: "do it"})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, b)
	}
	var task Task
	if err := json.Unmarshal(b, &task); err != nil {
		t.Fatal(err)
	}
	return s, c, task
}

func TestLifecycleProgression(t *testing.T) {
	_, c, task := seed(t, Options{StartupPolls: 2, WorkPolls: 2})
	if task.Status != StatusInitializing || task.CurrentState != nil {
		t.Fatalf("created task: status %q state %s, want initializing/null", task.Status, stateOf(task))
	}
	path := "/api/v2/tasks/alice/" + task.ID
	want := []string{"initializing/null", "initializing/null", "active/idle", "active/idle"}
	for i, w := range want {
		got := c.task(path)
		if g := got.Status + "/" + stateOf(got); g != w {
			t.Fatalf("GET %d: %s, want %s", i+1, g, w)
		}
	}
	if code, b := c.do("POST", path+"/send", map[string]string{"input": "hello"}); code != http.StatusNoContent {
		t.Fatalf("send: %d %s", code, b)
	}
	for i, w := range []string{"active/working", "active/working", "active/idle"} {
		got := c.task(path)
		if g := got.Status + "/" + stateOf(got); g != w {
			t.Fatalf("GET %d after send: %s, want %s", i+1, g, w)
		}
	}
}

func TestListDoesNotAdvanceLifecycle(t *testing.T) {
	_, c, task := seed(t, Options{})
	for range 3 {
		code, b := c.do("GET", "/api/v2/tasks?q=owner:alice", nil)
		if code != http.StatusOK {
			t.Fatalf("list: %d %s", code, b)
		}
		var resp struct {
			Tasks []Task `json:"tasks"`
			Count int    `json:"count"`
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Fatal(err)
		}
		if resp.Count != 1 || len(resp.Tasks) != 1 || resp.Tasks[0].ID != task.ID || resp.Tasks[0].Status != StatusInitializing {
			t.Fatalf("list = %s", b)
		}
	}
	code, b := c.do("GET", "/api/v2/tasks?q=owner:bob", nil)
	if code != http.StatusOK || !strings.Contains(string(b), `"tasks":[]`) {
		t.Fatalf("list for bob: %d %s", code, b)
	}
}

func TestSendStatusOrdering(t *testing.T) {
	s, c, task := seed(t, Options{})
	path := "/api/v2/tasks/alice/" + task.ID
	send := func(input string) int {
		code, b := c.do("POST", path+"/send", map[string]string{"input": input})
		if code != http.StatusNoContent {
			decodeErr(t, b)
		}
		return code
	}
	if code := send("too early"); code != http.StatusConflict {
		t.Fatalf("send while initializing = %d, want 409", code)
	}
	c.task(path) // initializing → active/idle
	if code := send("first"); code != http.StatusNoContent {
		t.Fatalf("send while idle = %d, want 204", code)
	}
	if code := send("while working"); code != http.StatusBadGateway {
		t.Fatalf("send while working = %d, want 502", code)
	}
	if err := s.Hold(task.ID); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := c.task(path); stateOf(got) != StateWorking {
			t.Fatalf("held task state %s, want working", stateOf(got))
		}
	}
	if code := send("still working"); code != http.StatusBadGateway {
		t.Fatalf("send while held = %d, want 502", code)
	}
	if err := s.Release(task.ID); err != nil {
		t.Fatal(err)
	}
	c.task(path) // working → idle
	if code := send("second"); code != http.StatusNoContent {
		t.Fatalf("send after release = %d, want 204", code)
	}
	if got := s.Sent(task.ID); strings.Join(got, "|") != "first|second" {
		t.Fatalf("Sent = %q", got)
	}
	if err := s.Hold("no-such-task"); err == nil {
		t.Fatal("Hold of an unknown task: no error")
	}
}

func TestPauseAndResume(t *testing.T) {
	s, c, task := seed(t, Options{StartupPolls: -1})
	if task.Status != StatusActive {
		t.Fatalf("StartupPolls<0: created status %q, want active", task.Status)
	}
	if err := s.PauseTask(task.ID); err != nil {
		t.Fatal(err)
	}
	path := "/api/v2/tasks/alice/" + task.ID
	if got := c.task(path); got.Status != StatusPaused {
		t.Fatalf("status %q, want paused", got.Status)
	}
	if code, _ := c.do("POST", path+"/send", map[string]string{"input": "x"}); code != http.StatusConflict {
		t.Fatalf("send while paused = %d, want 409", code)
	}
	code, b := c.do("POST", "/api/v2/workspaces/"+task.WorkspaceID+"/builds", map[string]string{"transition": "start"})
	if code != http.StatusCreated {
		t.Fatalf("start build: %d %s", code, b)
	}
	if got := c.task(path); got.Status != StatusActive || stateOf(got) != StateIdle {
		t.Fatalf("after resume with StartupPolls<0: %s/%s", got.Status, stateOf(got))
	}
	if code, _ := c.do("POST", "/api/v2/workspaces/"+newUUID()+"/builds", map[string]string{"transition": "start"}); code != http.StatusNotFound {
		t.Fatalf("start unknown workspace = %d, want 404", code)
	}
}

func TestResumeGoesThroughInitializing(t *testing.T) {
	s, c, task := seed(t, Options{})
	path := "/api/v2/tasks/alice/" + task.ID
	state := StateIdle
	if err := s.SetTask(task.ID, StatusPaused, &state); err != nil {
		t.Fatal(err)
	}
	if code, b := c.do("POST", "/api/v2/workspaces/"+task.WorkspaceID+"/builds", map[string]string{"transition": "start"}); code != http.StatusCreated {
		t.Fatalf("start build: %d %s", code, b)
	}
	for i, w := range []string{"initializing/null", "active/idle"} {
		got := c.task(path)
		if g := got.Status + "/" + stateOf(got); g != w {
			t.Fatalf("GET %d after resume: %s, want %s", i+1, g, w)
		}
	}
}

func TestDelete(t *testing.T) {
	_, c, task := seed(t, Options{})
	path := "/api/v2/tasks/alice/" + task.ID
	if code, b := c.do("DELETE", path, nil); code != http.StatusAccepted {
		t.Fatalf("delete: %d %s", code, b)
	}
	code, b := c.do("GET", path, nil)
	if code != http.StatusNotFound {
		t.Fatalf("GET after delete: %d", code)
	}
	decodeErr(t, b)
	if code, _ := c.do("DELETE", path, nil); code != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", code)
	}
}

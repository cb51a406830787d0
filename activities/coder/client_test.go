package coder_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func TestErrorDecoded(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()

	_, err := e.client.CreateTask(ctx, "alice", coder.CreateTaskRequest{
		Name:              strings.Repeat("x", 33),
		TemplateVersionID: e.tmpl.ActiveVersionID,
		Input:             "hi",
	})
	var apiErr *coder.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *coder.Error", err)
	}
	if apiErr.StatusCode != 400 || apiErr.Method != "POST" || apiErr.Path != "/api/v2/tasks/alice" ||
		apiErr.Message != "Unable to create a Task with the provided name." || apiErr.Detail != "must be <= 32 characters" ||
		len(apiErr.Validations) != 1 || apiErr.Validations[0].Field != "name" {
		t.Fatalf("error = %#v", apiErr)
	}
	want := "coder: POST /api/v2/tasks/alice: 400 Bad Request: Unable to create a Task with the provided name.: must be <= 32 characters [name: must be <= 32 characters]"
	if err.Error() != want {
		t.Fatalf("Error() = %q\nwant %q", err.Error(), want)
	}
	if !coder.IsStatus(err, 400) || coder.IsStatus(err, 404) || coder.IsStatus(errors.New("x"), 400) {
		t.Fatal("IsStatus is wrong")
	}

	_, err = e.client.TemplateByName(ctx, "default", "no such")
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Path != "/api/v2/organizations/default/templates/no%20such" || apiErr.Message == "" {
		t.Fatalf("err = %#v", err)
	}

	_, err = e.client.UsersByGitHubID(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.ListTasks(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()

	// A wrong token: 401 with Coder's error, and the path keeps no query.
	wrong := "wrong-token-abcdef"
	c := coder.NewClient(e.fake.URL(), wrong, nil)
	_, err := c.UsersByGitHubID(ctx, 7)
	if !coder.IsStatus(err, http.StatusUnauthorized) {
		t.Fatalf("err = %v, want 401", err)
	}
	var apiErr *coder.Error
	errors.As(err, &apiErr)
	if apiErr.Path != "/api/v2/users" || strings.Contains(err.Error(), wrong) {
		t.Fatalf("error %q (path %q) leaks the token or the query", err, apiErr.Path)
	}

	// A server that echoes the token back in its error body.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("Coder-Session-Token")
		if strings.HasPrefix(r.URL.Path, "/json") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"bad token ` + tok + `","detail":"` + tok + `","validations":[{"field":"t","detail":"` + tok + `"}]}`))
			return
		}
		http.Error(w, "token was "+tok, http.StatusInternalServerError)
	}))
	defer echo.Close()
	c = coder.NewClient(echo.URL+"/json", token, nil)
	_, err = c.GetTask(ctx, "alice", "x")
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("JSON error %q leaks the token or was not redacted", err)
	}
	c = coder.NewClient(echo.URL, token, nil)
	_, err = c.GetTask(ctx, "alice", "x")
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("text error %q leaks the token or was not redacted", err)
	}
}

func TestNonJSONErrorCut(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(long))
	}))
	defer srv.Close()
	c := coder.NewClient(srv.URL, token, nil)
	err := c.StartWorkspace(context.Background(), "ws")
	var apiErr *coder.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("err = %v", err)
	}
	if len(apiErr.Message) > 512 || len(apiErr.Message) < 510 || !utf8.ValidString(apiErr.Message) || !strings.HasPrefix(long, apiErr.Message) {
		t.Fatalf("message has %d bytes (valid UTF-8: %v), want the first ≤512 bytes", len(apiErr.Message), utf8.ValidString(apiErr.Message))
	}
}

func TestExperimentalFallback(t *testing.T) {
	e := newEnv(t, fakecoder.Options{OldServer: true})
	ctx := context.Background()
	ref := e.create(t, spec())
	if p := check(t, e, ref); p != coder.PhaseStarting {
		t.Fatalf("phase %q", p)
	}
	if p := check(t, e, ref); p != coder.PhaseReady {
		t.Fatalf("phase %q", p)
	}
	if err := e.backend.Send(ctx, ref, "hello"); err != nil {
		t.Fatal(err)
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Count("", "/api/v2/tasks"); n != 1 {
		t.Fatalf("%d requests to /api/v2/tasks, want 1 (then remembered)", n)
	}
	want := []string{
		"GET /api/v2/tasks",
		"GET /api/experimental/tasks",
		"GET /api/v2/organizations/default/templates/task-template",
		"GET /api/v2/templateversions/" + e.tmpl.ActiveVersionID + "/presets",
		"POST /api/experimental/tasks/alice",
		"GET /api/experimental/tasks/alice/" + ref.ID,
		"GET /api/experimental/tasks/alice/" + ref.ID,
		"POST /api/experimental/tasks/alice/" + ref.ID + "/send",
		"DELETE /api/experimental/tasks/alice/" + ref.ID,
	}
	if got := methodsAndPaths(e.fake); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := e.fake.Sent(ref.ID); len(got) != 1 || got[0] != "hello" {
		t.Fatalf("sent = %q", got)
	}
}

func TestFallbackOnPlainNotFound(t *testing.T) {
	f := fakecoder.New(fakecoder.Options{Token: token})
	defer f.Close()
	f.AddUser(7, "alice")
	f.AddTemplate("default", "task-template")
	// A proxy in front of the fake that has no /api/v2/tasks route and
	// answers like a plain HTTP server.
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v2/tasks/", http.NotFound)
	mux.HandleFunc("/api/v2/tasks", http.NotFound)
	mux.Handle("/", f.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c := coder.NewClient(srv.URL, token, &http.Client{Timeout: 10 * time.Second})
	b := coder.NewTasksBackend(c, coder.TasksConfig{Organization: "default", TemplateName: "task-template", PublicURL: publicURL})
	ctx := context.Background()
	// The first tasks call is a GET of one task: a plain 404 there means
	// the route is missing, not the task.
	r, err := b.Check(ctx, coder.Ref{ID: "00000000-0000-4000-8000-000000000000", Owner: "alice"})
	if err != nil || r.Phase != coder.PhaseGone {
		t.Fatalf("Check = %+v, %v", r, err)
	}
	ref, _, err := b.CreateOrAdopt(ctx, spec())
	if err != nil {
		t.Fatal(err)
	}
	if f.Count("POST", "/api/experimental/tasks/alice") != 1 || f.Count("", "/api/experimental/tasks/alice/00000000") != 1 || ref.ID == "" {
		t.Fatalf("requests = %+v", f.Requests())
	}
}

func TestRedirectToOtherHostRefused(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	other := strings.Replace(e.fake.URL(), "127.0.0.1", "localhost", 1)
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redir.Close()
	c := coder.NewClient(redir.URL, token, nil)
	if _, err := c.UsersByGitHubID(context.Background(), 7); err == nil {
		t.Fatal("cross-host redirect followed")
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
}

package coder_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

const (
	token     = "sekrit-session-token-0123456789"
	publicURL = "https://coder.example.com"
)

// env is a fake Coder with user alice (GitHub id 7) and a backend over it.
type env struct {
	fake    *fakecoder.Server
	client  *coder.Client
	backend *coder.TasksBackend
	tmpl    fakecoder.Template
}

func newEnv(t *testing.T, opts fakecoder.Options, presets ...fakecoder.Preset) *env {
	t.Helper()
	opts.Token = token
	f := fakecoder.New(opts)
	t.Cleanup(f.Close)
	f.AddUser(7, "alice")
	tmpl := f.AddTemplate("default", "task-template", presets...)
	c := coder.NewClient(f.URL()+"/", token, nil)
	b := coder.NewTasksBackend(c, coder.TasksConfig{
		Organization: "default",
		TemplateName: "task-template",
		PublicURL:    publicURL + "/",
	})
	return &env{fake: f, client: c, backend: b, tmpl: tmpl}
}

func (e *env) create(t *testing.T, spec coder.CreateSpec) coder.Ref {
	t.Helper()
	ref, adopted, err := e.backend.CreateOrAdopt(context.Background(), spec)
	if err != nil {
		t.Fatalf("CreateOrAdopt: %v", err)
	}
	if adopted {
		t.Fatal("CreateOrAdopt adopted a task that did not exist")
	}
	return ref
}

func spec() coder.CreateSpec {
	return coder.CreateSpec{Name: "gh-widgets-42", Owner: "alice", Input: "Fix issue #42"}
}

func methodsAndPaths(f *fakecoder.Server) []string {
	var out []string
	for _, r := range f.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func TestLookupOwner(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	e.fake.AddUser(8, "bob")
	e.fake.AddUser(8, "bob-too")
	ctx := context.Background()

	got, err := e.backend.LookupOwner(ctx, 7)
	if err != nil || got != "alice" {
		t.Fatalf("LookupOwner(7) = %q, %v; want alice", got, err)
	}
	for id, count := range map[int64]int{9: 0, 8: 2} {
		_, err := e.backend.LookupOwner(ctx, id)
		var nu *coder.NoUserError
		if !errors.As(err, &nu) || nu.GitHubUserID != id || nu.Count != count {
			t.Fatalf("LookupOwner(%d) error = %v, want NoUserError with Count %d", id, err, count)
		}
	}
	if _, err := e.backend.LookupOwner(ctx, 0); err == nil {
		t.Fatal("LookupOwner(0): no error")
	}
	reqs := e.fake.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/api/v2/users" || reqs[0].Query != "q=github_com_user_id%3A7" {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestCreateWithDefaultPreset(t *testing.T) {
	e := newEnv(t, fakecoder.Options{},
		fakecoder.Preset{Name: "small"},
		fakecoder.Preset{Name: "large", Default: true})
	ref := e.create(t, spec())

	got := methodsAndPaths(e.fake)
	want := []string{
		"GET /api/v2/tasks",
		"GET /api/v2/organizations/default/templates/task-template",
		"GET /api/v2/templateversions/" + e.tmpl.ActiveVersionID + "/presets",
		"POST /api/v2/tasks/alice",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	created := e.fake.Created()
	large := presetID(t, e, "large")
	wantBody := fmt.Sprintf(`{"name":"gh-widgets-42","template_version_id":%q,"template_version_preset_id":%q,"input":"Fix issue #42"}`, e.tmpl.ActiveVersionID, large)
	if len(created) != 1 || string(created[0].Raw) != wantBody {
		t.Fatalf("POST body = %s\nwant %s", created[0].Raw, wantBody)
	}
	task, _ := e.fake.Task(created[0].ID)
	wantRef := coder.Ref{Kind: coder.KindTask, ID: task.ID, Name: "gh-widgets-42", Owner: "alice", WorkspaceID: task.WorkspaceID, URL: publicURL + "/tasks/alice/" + task.ID}
	if ref != wantRef {
		t.Fatalf("ref = %+v\nwant %+v", ref, wantRef)
	}
}

func presetID(t *testing.T, e *env, name string) string {
	t.Helper()
	ps, err := e.client.Presets(context.Background(), e.tmpl.ActiveVersionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no preset %q in %+v", name, ps)
	return ""
}

func TestCreateWithNamedPreset(t *testing.T) {
	e := newEnv(t, fakecoder.Options{},
		fakecoder.Preset{Name: "small"},
		fakecoder.Preset{Name: "large", Default: true})
	s := spec()
	s.Preset = "small"
	e.create(t, s)
	small := presetID(t, e, "small")
	if c := e.fake.Created(); len(c) != 1 || c[0].Body.TemplateVersionPresetID != small {
		t.Fatalf("created = %+v, want preset %s", c, small)
	}

	// The configured preset applies to the configured template…
	b := coder.NewTasksBackend(e.client, coder.TasksConfig{Organization: "default", TemplateName: "task-template", Preset: "small", PublicURL: publicURL})
	s.Name, s.Preset = "gh-widgets-43", ""
	if _, _, err := b.CreateOrAdopt(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Created(); len(c) != 2 || c[1].Body.TemplateVersionPresetID != small {
		t.Fatalf("created = %+v, want configured preset %s", c, small)
	}

	// …but not to another template, which gets its own default.
	other := e.fake.AddTemplate("default", "other", fakecoder.Preset{Name: "def", Default: true})
	s.Name, s.TemplateName = "gh-widgets-44", "other"
	if _, _, err := b.CreateOrAdopt(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	c := e.fake.Created()
	if len(c) != 3 || c[2].Body.TemplateVersionID != other.ActiveVersionID || c[2].Body.TemplateVersionPresetID == "" || c[2].Body.TemplateVersionPresetID == small {
		t.Fatalf("created = %+v, want template %s with its default preset", c, other.ActiveVersionID)
	}
}

func TestCreateMissingNamedPreset(t *testing.T) {
	e := newEnv(t, fakecoder.Options{}, fakecoder.Preset{Name: "small", Default: true})
	s := spec()
	s.Preset = "huge"
	_, _, err := e.backend.CreateOrAdopt(context.Background(), s)
	if !errors.Is(err, coder.ErrPresetNotFound) || !strings.Contains(err.Error(), `"huge"`) {
		t.Fatalf("err = %v, want ErrPresetNotFound naming the preset", err)
	}
	if n := e.fake.Count("POST", "/"); n != 0 {
		t.Fatalf("%d POSTs made, want none", n)
	}
}

func TestCreateWithoutPresets(t *testing.T) {
	for name, presets := range map[string][]fakecoder.Preset{
		"null presets": nil,
		"no default":   {{Name: "small"}},
		"none default": {{Name: "a"}, {Name: "b"}},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakecoder.Options{}, presets...)
			e.create(t, spec())
			want := fmt.Sprintf(`{"name":"gh-widgets-42","template_version_id":%q,"input":"Fix issue #42"}`, e.tmpl.ActiveVersionID)
			if c := e.fake.Created(); len(c) != 1 || string(c[0].Raw) != want {
				t.Fatalf("POST body = %s\nwant %s", c[0].Raw, want)
			}
		})
	}
}

func TestAdoptExistingTask(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	first := e.create(t, spec())
	e.fake.Reset()

	s := spec()
	s.Input = "a different prompt"
	ref, adopted, err := e.backend.CreateOrAdopt(context.Background(), s)
	if err != nil || !adopted || ref != first {
		t.Fatalf("CreateOrAdopt = %+v, %v, %v; want adopted %+v", ref, adopted, err, first)
	}
	if got := methodsAndPaths(e.fake); len(got) != 1 || got[0] != "GET /api/v2/tasks" {
		t.Fatalf("requests = %v, want only the list", got)
	}
	if len(e.fake.Tasks()) != 1 {
		t.Fatal("a second task was created")
	}
}

package fakecoder

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestPresetsArePascalCase(t *testing.T) {
	s := New(Options{Token: testToken})
	defer s.Close()
	with := s.AddTemplate("default", "a", Preset{Name: "small"}, Preset{ID: "11111111-1111-4111-8111-111111111111", Name: "big", Default: true})
	without := s.AddTemplate("default", "b")
	c := newClient(t, s)

	code, b := c.do("GET", "/api/v2/templateversions/"+with.ActiveVersionID+"/presets", nil)
	if code != http.StatusOK {
		t.Fatalf("presets: %d %s", code, b)
	}
	var raw []map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2 {
		t.Fatalf("presets = %s", b)
	}
	for _, p := range raw {
		for _, k := range []string{"ID", "Name", "Default"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("preset %v lacks PascalCase key %q", p, k)
			}
		}
		for _, k := range []string{"id", "name", "default"} {
			if _, ok := p[k]; ok {
				t.Fatalf("preset %v has lowercase key %q", p, k)
			}
		}
	}
	if raw[1]["ID"] != "11111111-1111-4111-8111-111111111111" || raw[1]["Default"] != true || raw[0]["ID"] == "" {
		t.Fatalf("presets = %s", b)
	}

	code, b = c.do("GET", "/api/v2/templateversions/"+without.ActiveVersionID+"/presets", nil)
	if code != http.StatusOK || strings.TrimSpace(string(b)) != "null" {
		t.Fatalf("no presets: %d %s, want 200 null", code, b)
	}

	code, b = c.do("GET", "/api/v2/organizations/default/templates/a", nil)
	var tmpl map[string]any
	if code != http.StatusOK || json.Unmarshal(b, &tmpl) != nil || tmpl["active_version_id"] != with.ActiveVersionID || tmpl["id"] != with.ID || tmpl["name"] != "a" {
		t.Fatalf("template: %d %s", code, b)
	}
	if code, _ := c.do("GET", "/api/v2/organizations/"+with.OrganizationID+"/templates/a", nil); code != http.StatusOK {
		t.Fatalf("template by org id: %d", code)
	}
}

func TestErrorJSONShape(t *testing.T) {
	s, c, _ := seed(t, Options{})
	tmpl := s.AddTemplate("default", "other")

	cases := []struct {
		name, method, path string
		body               any
		token              string
		status             int
		field              string // expected validations[0].field, if any
	}{
		{"unknown task", "GET", "/api/v2/tasks/alice/nope", nil, testToken, 404, ""},
		{"other owner's task", "GET", "/api/v2/tasks/bob/gh-widgets-1", nil, testToken, 404, ""},
		{"unknown template", "GET", "/api/v2/organizations/default/templates/nope", nil, testToken, 404, ""},
		{"unknown route", "GET", "/api/v2/nothing-here", nil, testToken, 404, ""},
		{"bad token", "GET", "/api/v2/users", nil, "wrong", 401, ""},
		{"no token", "GET", "/api/v2/users", nil, "", 401, ""},
		{"long name", "POST", "/api/v2/tasks/alice", CreateTaskBody{Name: strings.Repeat("a", 33), TemplateVersionID: tmpl.ActiveVersionID, Input: "x"}, testToken, 400, "name"},
		{"bad name", "POST", "/api/v2/tasks/alice", CreateTaskBody{Name: "gh-foo.js-1", TemplateVersionID: tmpl.ActiveVersionID, Input: "x"}, testToken, 400, "name"},
		{"duplicate name", "POST", "/api/v2/tasks/alice", CreateTaskBody{Name: "gh-widgets-1", TemplateVersionID: tmpl.ActiveVersionID, Input: "x"}, testToken, 409, "name"},
		{"unknown preset", "POST", "/api/v2/tasks/alice", CreateTaskBody{Name: "x", TemplateVersionID: tmpl.ActiveVersionID, TemplateVersionPresetID: newUUID(), Input: "x"}, testToken, 400, "template_version_preset_id"},
		{"unknown version", "POST", "/api/v2/tasks/alice", CreateTaskBody{Name: "x", TemplateVersionID: newUUID(), Input: "x"}, testToken, 400, ""},
		{"unknown owner", "POST", "/api/v2/tasks/bob", CreateTaskBody{Name: "x", TemplateVersionID: tmpl.ActiveVersionID, Input: "x"}, testToken, 404, ""},
		{"bad user query", "GET", "/api/v2/users?q=foo:bar", nil, testToken, 400, "foo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.token = tc.token
			code, b := c.do(tc.method, tc.path, tc.body)
			if code != tc.status {
				t.Fatalf("status %d, want %d (%s)", code, tc.status, b)
			}
			e := decodeErr(t, b)
			if tc.field != "" && (len(e.Validations) == 0 || e.Validations[0].Field != tc.field || e.Validations[0].Detail == "") {
				t.Fatalf("validations %+v, want field %q", e.Validations, tc.field)
			}
			if tc.name == "unknown route" && e.Message != "Route not found." {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
	if n := len(s.Created()); n != 1 {
		t.Fatalf("Created() has %d records, want only the seeded one", n)
	}
}

func TestOldServerServesOnlyExperimental(t *testing.T) {
	_, c, task := seed(t, Options{OldServer: true})
	code, b := c.do("GET", "/api/v2/tasks?q=owner:alice", nil)
	if code != http.StatusNotFound || decodeErr(t, b).Message != "Route not found." {
		t.Fatalf("v2 list on old server: %d %s", code, b)
	}
	code, b = c.do("GET", "/api/experimental/tasks?q=owner:alice", nil)
	if code != http.StatusOK || !strings.Contains(string(b), task.ID) {
		t.Fatalf("experimental list: %d %s", code, b)
	}
}

func TestUsersQuery(t *testing.T) {
	s := New(Options{Token: testToken})
	defer s.Close()
	a := s.AddUser(1, "alice")
	s.AddUser(2, "bob")
	s.AddUser(2, "bob2")
	c := newClient(t, s)
	// Unfiltered, the admin token's own user is listed too.
	for q, want := range map[string]int{"github_com_user_id:1": 1, "github_com_user_id:2": 2, "github_com_user_id:3": 0, "": 4} {
		code, b := c.do("GET", "/api/v2/users?q="+q, nil)
		var resp struct {
			Users []User `json:"users"`
			Count int    `json:"count"`
		}
		if code != http.StatusOK || json.Unmarshal(b, &resp) != nil || resp.Count != want || len(resp.Users) != want {
			t.Fatalf("q=%q: %d %s, want %d users", q, code, b, want)
		}
		if q == "github_com_user_id:1" && resp.Users[0] != a {
			t.Fatalf("user = %+v, want %+v", resp.Users[0], a)
		}
	}
}

func TestRecording(t *testing.T) {
	s, c, task := seed(t, Options{})
	created := s.Created()
	if len(created) != 1 || created[0].Owner != "alice" || created[0].ID != task.ID || created[0].Body.Name != "gh-widgets-1" || created[0].Body.Input != "do it" {
		t.Fatalf("Created = %+v", created)
	}
	if strings.Contains(string(created[0].Raw), "template_version_preset_id") {
		t.Fatalf("raw body %s", created[0].Raw)
	}
	s.Reset()
	c.do("GET", "/api/v2/tasks?q=owner:alice", nil)
	c.do("GET", "/api/v2/tasks/alice/"+task.ID, nil)
	c.do("POST", "/api/v2/tasks/alice/"+task.ID+"/send", map[string]string{"input": "hi"})
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("Requests = %+v", reqs)
	}
	if reqs[0].Method != "GET" || reqs[0].Path != "/api/v2/tasks" || reqs[0].Query != "q=owner:alice" {
		t.Fatalf("request 0 = %+v", reqs[0])
	}
	if reqs[2].Method != "POST" || reqs[2].Path != "/api/v2/tasks/alice/"+task.ID+"/send" || string(reqs[2].Body) != `{"input":"hi"}` {
		t.Fatalf("request 2 = %+v", reqs[2])
	}
	if n := s.Count("GET", "/api/v2/tasks"); n != 2 {
		t.Fatalf("Count(GET) = %d, want 2", n)
	}
	if n := s.Count("", "/api/v2/tasks/alice/"); n != 2 {
		t.Fatalf("Count(any) = %d, want 2", n)
	}
	if len(s.Created()) != 0 {
		t.Fatal("Reset kept create records")
	}
}

func TestConcurrentUse(t *testing.T) {
	s, _, task := seed(t, Options{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := newClient(t, s)
			for range 10 {
				if code, b, err := c.try("GET", "/api/v2/tasks/alice/"+task.ID, nil); err != nil || code != http.StatusOK {
					t.Errorf("GET: %d %s %v", code, b, err)
				}
				code, b, err := c.try("POST", "/api/v2/tasks/alice/"+task.ID+"/send", map[string]string{"input": "x"})
				if err != nil || (code != http.StatusNoContent && code != http.StatusConflict && code != http.StatusBadGateway) {
					t.Errorf("send: %d %s %v", code, b, err)
				}
				s.Requests()
				s.Sent(task.ID)
			}
		})
	}
	wg.Wait()
	if n := s.Count("", "/api/v2/tasks/alice/"); n != 160 {
		t.Fatalf("recorded %d task requests, want 160", n)
	}
}

func TestHandlerWithoutListener(t *testing.T) {
	s := NewHandler(Options{Token: testToken})
	defer s.Close() // no listener: a no-op
	if s.URL() != "" {
		t.Fatalf("URL %q, want empty", s.URL())
	}
	s.AddUser(9, "carol")
	req := httptest.NewRequest("GET", "/api/v2/users?q=github_com_user_id:9", nil)
	req.Header.Set(tokenHeader, testToken)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"username":"carol"`) {
		t.Fatalf("mounted handler: %d %s", rec.Code, rec.Body)
	}
	if s.Count("GET", "/api/v2/users") != 1 {
		t.Fatal("mounted handler did not record the request")
	}
}

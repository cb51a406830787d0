package fakegithub

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/code-factory/code-factory/internal/fixtures"
)

func TestFallbackTemplatesAreObjects(t *testing.T) {
	for name := range templateSources() {
		var m map[string]any
		if err := json.Unmarshal([]byte(fallbackTemplate(name)), &m); err != nil || m == nil {
			t.Errorf("built-in %s: %v", name, err)
		}
	}
}

func TestWorksWithoutFixtures(t *testing.T) {
	t.Setenv(fixtures.EnvDir, t.TempDir()) // an empty fixtures directory
	f := setup(t)
	for name := range templateSources() {
		if string(f.srv.tmpl[name]) != fallbackTemplate(name) {
			t.Errorf("template %s did not fall back to the built-in body", name)
		}
	}
	resp, b := f.do(t, "GET", f.srv.URL()+"app", "Bearer "+f.jwt(t), nil)
	var app struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
	}
	if err := json.Unmarshal(b, &app); err != nil || resp.StatusCode != http.StatusOK || app.ID != testAppID || app.Slug != "octoapp" {
		t.Fatalf("app: %d %s", resp.StatusCode, b)
	}
	tok := "token " + f.token(t)
	f.srv.SetPullRequest("acme", "widgets", PullRequest{Number: 2, Author: "agent", HeadSHA: "abc", HeadRef: "fix"})
	resp, b = f.do(t, "GET", f.srv.URL()+"repos/acme/widgets/pulls/2", tok, nil)
	var pr struct {
		Number int `json:"number"`
		Head   struct {
			SHA string `json:"sha"`
		} `json:"head"`
		User struct {
			Login string `json:"login"`
		} `json:"user"`
	}
	if err := json.Unmarshal(b, &pr); err != nil || resp.StatusCode != http.StatusOK || pr.Number != 2 || pr.Head.SHA != "abc" || pr.User.Login != "agent" {
		t.Errorf("pull: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.do(t, "GET", f.srv.URL()+"repos/acme/widgets", tok, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("repo: %d %s", resp.StatusCode, b)
	}
}

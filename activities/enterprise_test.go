package activities_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// On GitHub Enterprise nothing lives under https://github.com/: the
// repository URL a task clones and the link of the config commit status
// come from what GitHub sent (repository.html_url, the contents API's
// html_url), else from the web root of GITHUB_API_URL.
func TestGitHubEnterpriseLinks(t *testing.T) {
	const web = "https://ghe.example.com/"
	world, acts := newWorld(t, fakeworld.Options{GitHubWebURL: web})
	world.GitHub.SetFile("acme", "widgets", "", activities.ConfigPath, []byte("[sandbox]\nsize = \"large\"\n"))
	ctx := context.Background()

	for _, c := range []struct {
		name string
		repo activities.Repo
		want string
	}{
		{"html_url from the payload", activities.Repo{Owner: "acme", Name: "widgets", HTMLURL: "https://ghe.example.com/acme/widgets"}, "https://ghe.example.com/acme/widgets"},
		{"no html_url recorded", activities.Repo{Owner: "acme", Name: "widgets"}, "https://ghe.example.com/acme/widgets"},
	} {
		plan, err := acts.PlanTask(ctx, activities.PlanTaskInput{
			Issue:    activities.IssueRef{InstallationID: 1, Repo: c.repo, Number: 42},
			IssueURL: web + "acme/widgets/issues/42", Requester: "alice",
		})
		if err != nil || len(plan.Problems) > 0 {
			t.Fatalf("%s: %v %q", c.name, err, plan.Problems)
		}
		var inputs map[string]any
		if err := json.Unmarshal([]byte(plan.Input), &inputs); err != nil {
			t.Fatal(err)
		}
		if inputs["repo_url"] != c.want {
			t.Errorf("%s: repo_url = %v, want %s", c.name, inputs["repo_url"], c.want)
		}
	}

	world.GitHub.SetFile("acme", "widgets", "abc123", activities.ConfigPath, []byte("[sandbox]\nsize = \"large\"\n"))
	res, err := acts.CheckConfigPush(ctx, activities.ConfigPushInput{InstallationID: 1, Repo: activities.Repo{Owner: "acme", Name: "widgets"}, After: "abc123"})
	if err != nil || !res.Present {
		t.Fatalf("CheckConfigPush = %+v, %v", res, err)
	}
	st := world.GitHub.Statuses("acme", "widgets", "abc123")
	if len(st) != 1 || st[0].TargetURL != "https://ghe.example.com/acme/widgets/blob/abc123/.code-factory/config.toml" {
		t.Fatalf("statuses = %+v, want the GitHub Enterprise link", st)
	}
}

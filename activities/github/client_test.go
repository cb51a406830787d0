package github

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

func TestGetIssue(t *testing.T) {
	e := newEnv(t)
	e.fake.PutIssue(owner, repo, fakegithub.Issue{Number: 3, State: "open", Title: "Fix it", Author: "alice", Assignees: []string{"agent", "bob"}})
	e.fake.SetPullRequest(owner, repo, fakegithub.PullRequest{Number: 4, Author: "agent", HeadSHA: "abc", HeadRef: "fix"})
	c := e.client(t)
	is, err := c.GetIssue(context.Background(), owner, repo, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := Issue{Number: 3, State: "open", Title: "Fix it", HTMLURL: "https://github.com/acme/widgets/issues/3", Assignees: []string{"agent", "bob"}, Author: "alice"}
	if !reflect.DeepEqual(is, want) {
		t.Errorf("issue = %+v, want %+v", is, want)
	}
	pr, err := c.GetIssue(context.Background(), owner, repo, 4)
	if err != nil || !pr.IsPullRequest || pr.Author != "agent" {
		t.Errorf("issue view of PR = %+v, %v", pr, err)
	}
	_, err = c.GetIssue(context.Background(), owner, repo, 99)
	var app *temporal.ApplicationError
	if !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient {
		t.Errorf("missing issue: %v", Classify(err))
	}
}

func TestPermissionLevels(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t)
	for login, level := range map[string]string{"ada": "admin", "max": "maintain", "wes": "write", "tia": "triage", "rey": "read"} {
		e.fake.SetPermission(owner, repo, login, level)
		got, err := c.PermissionLevel(ctx, owner, repo, login)
		if err != nil || got != level {
			t.Errorf("%s: %q, %v; want %q", login, got, err, level)
		}
	}
	e.fake.SetDefaultPermission("read")
	if got, err := c.PermissionLevel(ctx, owner, repo, "stranger"); err != nil || got != "read" {
		t.Errorf("default: %q, %v", got, err)
	}
	e.fake.FailNext("GET", "/repos/acme/widgets/collaborators/ghost/", 404, 1)
	if got, err := c.PermissionLevel(ctx, owner, repo, "ghost"); err != nil || got != "none" {
		t.Errorf("404: %q, %v; want none", got, err)
	}
	e.fake.FailNext("GET", "/repos/acme/widgets/collaborators/", 500, 1)
	if _, err := c.PermissionLevel(ctx, owner, repo, "ada"); err == nil {
		t.Error("500 not returned")
	}
}

func TestClosingIssuesViaGraphQL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if e.factory.GraphQLURL() != e.fake.GraphQLURL() {
		t.Fatalf("graphql url %q, fake serves %q", e.factory.GraphQLURL(), e.fake.GraphQLURL())
	}
	e.fake.SetClosingIssues(owner, repo, 12, 3, 4)
	c := e.client(t)
	got, err := c.ClosingIssues(ctx, owner, repo, 12)
	if err != nil || !reflect.DeepEqual(got, []ClosingIssue{{3, "acme/widgets"}, {4, "acme/widgets"}}) {
		t.Fatalf("closing issues = %v, %v", got, err)
	}
	if n := e.count("POST", "/graphql"); n != 1 {
		t.Errorf("%d graphql calls", n)
	}
	for _, r := range e.fake.Requests() {
		if r.Path == "/graphql" && r.Auth != "installation" {
			t.Errorf("graphql auth %q", r.Auth)
		}
	}
	e.fake.SetClosingRefs(owner, repo, 14, fakegithub.ClosingRef{Owner: "other", Repo: "lib", Number: 7})
	if got, err := c.ClosingIssues(ctx, owner, repo, 14); err != nil || !reflect.DeepEqual(got, []ClosingIssue{{7, "other/lib"}}) {
		t.Errorf("cross-repository reference = %v, %v; want its repository", got, err)
	}
	e.fake.SetPullRequest(owner, repo, fakegithub.PullRequest{Number: 13})
	if got, err := c.ClosingIssues(ctx, owner, repo, 13); err != nil || len(got) != 0 {
		t.Errorf("PR without closing issues: %v, %v", got, err)
	}
	_, err = c.ClosingIssues(ctx, owner, repo, 404)
	var ge *GraphQLError
	var app *temporal.ApplicationError
	if !errors.As(err, &ge) || !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient {
		t.Errorf("unknown PR: %v", Classify(err))
	}
}

func TestPullRequests(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 1; i <= 130; i++ {
		e.fake.SetPullRequest(owner, repo, fakegithub.PullRequest{Number: i, Author: "agent", HeadSHA: fmt.Sprintf("sha%d", i), HeadRef: fmt.Sprintf("b%d", i)})
	}
	e.fake.SetPullRequest(owner, repo, fakegithub.PullRequest{Number: 200, HeadSHA: "closedsha", State: "closed"})
	c := e.client(t)
	pr, err := c.GetPullRequest(ctx, owner, repo, 7)
	want := PullRequest{Number: 7, Author: "agent", HeadSHA: "sha7", HeadRef: "b7", HTMLURL: "https://github.com/acme/widgets/pull/7", State: "open"}
	if err != nil || pr != want {
		t.Errorf("GetPullRequest = %+v, %v", pr, err)
	}
	// Newest first, 100 a page: PR 3 is on page 2.
	found, err := c.FindOpenPullRequestByHead(ctx, owner, repo, "sha3")
	if err != nil || found == nil || found.Number != 3 {
		t.Errorf("FindOpenPullRequestByHead = %+v, %v", found, err)
	}
	if n := e.count("GET", "/repos/acme/widgets/pulls"); n != 3 {
		t.Errorf("%d pull requests calls, want get + 2 pages", n)
	}
	for _, sha := range []string{"nosuch", "closedsha"} {
		if found, err := c.FindOpenPullRequestByHead(ctx, owner, repo, sha); err != nil || found != nil {
			t.Errorf("%s: %+v, %v; want nil", sha, found, err)
		}
	}
}

func TestListRunJobsAllPages(t *testing.T) {
	e := newEnv(t)
	var jobs []fakegithub.Job
	for i := int64(1); i <= 105; i++ {
		jobs = append(jobs, fakegithub.Job{ID: i, Name: fmt.Sprintf("job %d", i), Conclusion: "success"})
	}
	jobs[104].Conclusion = "failure"
	e.fake.SetRunJobs(owner, repo, 555, jobs...)
	got, err := e.client(t).ListRunJobs(context.Background(), owner, repo, 555)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 105 || got[104].Conclusion != "failure" || got[104].ID != 105 || got[0].Name != "job 1" ||
		!strings.HasSuffix(got[0].HTMLURL, "/actions/runs/555/job/1") {
		t.Errorf("jobs: %d, last %+v", len(got), got[len(got)-1])
	}
	if n := e.count("GET", "/repos/acme/widgets/actions/runs/555/jobs"); n != 2 {
		t.Errorf("%d pages fetched, want 2", n)
	}
}

func TestJobLogTailFollowsRedirectWithoutAuth(t *testing.T) {
	e := newEnv(t)
	var lines []string
	for i := 1; i <= 10; i++ {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	e.fake.SetJobLog(77, "\ufeff"+strings.Join(lines, "\r\n")+"\r\n")
	got, err := e.client(t).JobLogTail(context.Background(), owner, repo, 77, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got != "line 8\nline 9\nline 10" {
		t.Errorf("tail = %q", got)
	}
	var sawAPI, sawStorage bool
	for _, r := range e.fake.Requests() {
		switch {
		case r.Path == "/repos/acme/widgets/actions/jobs/77/logs":
			sawAPI = r.Auth == "installation"
		case strings.HasPrefix(r.Path, "/_storage/"):
			sawStorage = true
			if r.Auth != "none" {
				t.Errorf("storage request carried auth %q", r.Auth)
			}
		}
	}
	if !sawAPI || !sawStorage {
		t.Errorf("api call %v, storage call %v", sawAPI, sawStorage)
	}
}

func TestJobLogTailOfLargeLogUsesRange(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	for i := 0; b.Len() < maxLogBytes+(1<<20); i++ {
		fmt.Fprintf(&b, "log line number %08d with some padding to make it longer\n", i)
	}
	text := b.String()
	all := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	e.fake.SetJobLog(78, text)
	got, err := e.client(t).JobLogTail(context.Background(), owner, repo, 78, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(all[len(all)-2:], "\n"); got != want {
		t.Errorf("tail = %q, want %q", got, want)
	}
}

func TestJobLogMissingIsClientError(t *testing.T) {
	e := newEnv(t)
	_, err := e.client(t).JobLogTail(context.Background(), owner, repo, 79, 5)
	var app *temporal.ApplicationError
	if !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient {
		t.Errorf("missing log: %v", Classify(err))
	}
}

func TestTailLines(t *testing.T) {
	cases := []struct {
		name string
		text string
		n    int
		cut  logCut
		want string
	}{
		{"short", "a\nb\n", 5, cutNone, "a\nb"},
		{"bom", "\ufeffa\nb", 5, cutNone, "a\nb"},
		{"cut start drops partial first line", "rtial\nc\nd\n", 5, cutStart, "c\nd"},
		{"cut end drops partial last line", "a\nb\npar", 5, cutEnd, "a\nb\n[log truncated: only its first 4 MiB were read]"},
		{"last n", "1\n2\n3\n4", 2, cutNone, "3\n4"},
	}
	for _, c := range cases {
		if got := tailLines([]byte(c.text), c.n, c.cut); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if cutOf(206, "bytes 0-9/10", 10) != cutNone || cutOf(206, "bytes 5-9/10", 5) != cutStart || cutOf(200, "", maxLogBytes+1) != cutEnd {
		t.Error("cutOf")
	}
}

func TestGetFileAndDefaultBranch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	content := []byte(strings.Repeat("[agent]\nname = \"x\"\n", 20))
	e.fake.SetDefaultBranch(owner, repo, "trunk")
	e.fake.SetFile(owner, repo, "", ".code-factory/config.toml", content)
	e.fake.SetFile(owner, repo, "feature", "other.txt", []byte("x"))
	c := e.client(t)
	if br, err := c.DefaultBranch(ctx, owner, repo); err != nil || br != "trunk" {
		t.Errorf("DefaultBranch = %q, %v", br, err)
	}
	for _, ref := range []string{"", "trunk"} {
		got, found, err := c.GetFile(ctx, owner, repo, ".code-factory/config.toml", ref)
		wantURL := "https://github.com/acme/widgets/blob/" + ref + "/.code-factory/config.toml"
		if ref == "" {
			wantURL = "https://github.com/acme/widgets/blob/trunk/.code-factory/config.toml"
		}
		if err != nil || !found || string(got.Content) != string(content) || got.HTMLURL != wantURL {
			t.Errorf("ref %q: found %v err %v content %q", ref, found, err, got)
		}
	}
	for _, tc := range []struct{ path, ref string }{{".code-factory/config.toml", "feature"}, {"missing.toml", ""}} {
		got, found, err := c.GetFile(ctx, owner, repo, tc.path, tc.ref)
		if err != nil || found || got.Content != nil {
			t.Errorf("%s@%s: found %v err %v", tc.path, tc.ref, found, err)
		}
	}
}

func TestCreateCommitStatusCutsDescription(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("é", 200)
	err := e.client(t).CreateCommitStatus(context.Background(), owner, repo, "abc123",
		CommitStatus{State: "failure", Context: "code-factory/config", Description: long, TargetURL: "https://example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	got := e.fake.Statuses(owner, repo, "abc123")
	if len(got) != 1 || utf8.RuneCountInString(got[0].Description) != 140 || got[0].State != "failure" ||
		got[0].Context != "code-factory/config" || got[0].TargetURL != "https://example.com/x" {
		t.Errorf("statuses = %+v", got)
	}
}

func TestCompareTouches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const cfg = ".code-factory/config.toml"
	e.fake.SetCompareFiles(owner, repo, "a", "b", fakegithub.CompareFile{Filename: "README.md", Status: "modified"}, fakegithub.CompareFile{Filename: cfg, Status: "modified"})
	e.fake.SetCompareFiles(owner, repo, "b", "c", fakegithub.CompareFile{Filename: cfg, Status: "removed"})
	e.fake.SetCompareFiles(owner, repo, "c", "d", fakegithub.CompareFile{Filename: "elsewhere.toml", Status: "renamed", PreviousFilename: cfg})
	e.fake.SetCompareFiles(owner, repo, "d", "e", fakegithub.CompareFile{Filename: "README.md", Status: "modified"})
	c := e.client(t)
	for _, tc := range []struct {
		base, head       string
		touched, removed bool
	}{{"a", "b", true, false}, {"b", "c", true, true}, {"c", "d", true, true}, {"d", "e", false, false}, {"e", "f", false, false}} {
		touched, removed, err := c.CompareTouches(ctx, owner, repo, tc.base, tc.head, cfg)
		if err != nil || touched != tc.touched || removed != tc.removed {
			t.Errorf("%s...%s: touched %v removed %v err %v", tc.base, tc.head, touched, removed, err)
		}
	}
}

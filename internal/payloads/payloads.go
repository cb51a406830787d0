// Package payloads builds GitHub webhook deliveries from go-github's own
// event types, so tests (and `code-factory send`) need no files from outside
// the repository: what go-github marshals is what github.ParseWebHook reads
// back, in GitHub's field names. The third-party corpus in
// ../shared/fixtures/github (internal/fixtures) is an extra layer on top.
package payloads

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// DefaultInstallation is the installation id of payloads that do not say.
const DefaultInstallation int64 = 7

// Repo is the repository a delivery is about.
type Repo struct {
	Owner string
	Name  string
	// ID is GitHub's repository id (default: derived from the name).
	ID int64
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// Web is the web host's base, "https://github.com" by default
	// (GitHub Enterprise: "https://ghe.example.com").
	Web string
	// Installation defaults to DefaultInstallation.
	Installation int64
}

// FullName is "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// HTMLURL is the repository's page.
func (r Repo) HTMLURL() string {
	web := r.Web
	if web == "" {
		web = "https://github.com"
	}
	return strings.TrimRight(web, "/") + "/" + r.FullName()
}

func (r Repo) id() int64 {
	if r.ID != 0 {
		return r.ID
	}
	var h int64 = 1000
	for _, c := range r.FullName() {
		h = h*31 + int64(c)
		if h < 0 {
			h = -h
		}
	}
	return h%900_000_000 + 100_000_000
}

func (r Repo) branch() string {
	if r.DefaultBranch != "" {
		return r.DefaultBranch
	}
	return "main"
}

func (r Repo) installation() *gh.Installation {
	id := r.Installation
	if id == 0 {
		id = DefaultInstallation
	}
	return &gh.Installation{ID: gh.Int64(id), NodeID: gh.String(fmt.Sprintf("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u%d", id))}
}

func (r Repo) repository() *gh.Repository {
	return &gh.Repository{
		ID: gh.Int64(r.id()), Name: gh.String(r.Name), FullName: gh.String(r.FullName()),
		Owner:   &gh.User{Login: gh.String(r.Owner), ID: gh.Int64(r.id() + 1), Type: gh.String("Organization")},
		HTMLURL: gh.String(r.HTMLURL()), DefaultBranch: gh.String(r.branch()), Private: gh.Bool(false),
	}
}

// User is a GitHub account.
type User struct {
	Login string
	ID    int64
	// Bot marks an App's bot account (type "Bot").
	Bot bool
}

func (u User) user() *gh.User {
	if u.Login == "" {
		return nil
	}
	t := "User"
	if u.Bot {
		t = "Bot"
	}
	return &gh.User{Login: gh.String(u.Login), ID: gh.Int64(u.ID), Type: gh.String(t)}
}

// Issue is an issue (or, with PullRequest set, the issue view of a pull
// request).
type Issue struct {
	Number    int
	Title     string
	Body      string
	State     string // default "open"
	Author    User
	Assignees []User
	// Labels are label names on the issue.
	Labels      []string
	PullRequest bool
}

func (r Repo) issue(is Issue) *gh.Issue {
	state := is.State
	if state == "" {
		state = "open"
	}
	kind := "issues"
	if is.PullRequest {
		kind = "pull"
	}
	out := &gh.Issue{
		ID: gh.Int64(r.id()*1000 + int64(is.Number)), Number: gh.Int(is.Number), State: gh.String(state),
		Title: gh.String(is.Title), Body: gh.String(is.Body), User: is.Author.user(),
		HTMLURL: gh.String(fmt.Sprintf("%s/%s/%d", r.HTMLURL(), kind, is.Number)),
	}
	for _, a := range is.Assignees {
		out.Assignees = append(out.Assignees, a.user())
	}
	if len(out.Assignees) > 0 {
		out.Assignee = out.Assignees[0]
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, &gh.Label{Name: gh.String(l)})
	}
	if is.PullRequest {
		out.PullRequestLinks = &gh.PullRequestLinks{HTMLURL: out.HTMLURL}
	}
	return out
}

// Issues is an "issues" delivery: action on issue by sender; subject is the
// assignee or label the action is about (may be zero).
func Issues(action string, r Repo, is Issue, sender User, subject User) []byte {
	return marshal(&gh.IssuesEvent{
		Action: gh.String(action), Issue: r.issue(is), Assignee: subject.user(),
		Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
	})
}

// Labeled is an "issues" labeled or unlabeled delivery.
func Labeled(action string, r Repo, is Issue, label string, sender User) []byte {
	return marshal(&gh.IssuesEvent{
		Action: gh.String(action), Issue: r.issue(is), Label: &gh.Label{Name: gh.String(label)},
		Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
	})
}

// Comment is an issue comment, review comment or review.
type Comment struct {
	ID     int64
	Body   string
	Author User
	// At is when it was made (default 2026-11-22T10:00:00Z).
	At time.Time
	// EditedAt is when it was last edited (default At).
	EditedAt time.Time
}

func (c Comment) edited() *gh.Timestamp {
	if c.EditedAt.IsZero() {
		return c.at()
	}
	return &gh.Timestamp{Time: c.EditedAt}
}

func (c Comment) at() *gh.Timestamp {
	if c.At.IsZero() {
		return &gh.Timestamp{Time: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	}
	return &gh.Timestamp{Time: c.At}
}

// IssueComment is an "issue_comment" delivery: a comment on an issue, or
// on a pull request's conversation when is.PullRequest is set.
func IssueComment(action string, r Repo, is Issue, c Comment) []byte {
	kind := "issues"
	if is.PullRequest {
		kind = "pull"
	}
	return marshal(&gh.IssueCommentEvent{
		Action: gh.String(action), Issue: r.issue(is),
		Comment: &gh.IssueComment{
			ID: gh.Int64(c.ID), Body: gh.String(c.Body), User: c.Author.user(),
			HTMLURL:   gh.String(fmt.Sprintf("%s/%s/%d#issuecomment-%d", r.HTMLURL(), kind, is.Number, c.ID)),
			CreatedAt: c.at(), UpdatedAt: c.edited(),
		},
		Repo: r.repository(), Sender: c.Author.user(), Installation: r.installation(),
	})
}

// Ping is the "ping" delivery GitHub sends when a hook is created.
func Ping(hookID int64) []byte {
	return marshal(&gh.PingEvent{
		Zen: gh.String("Keep it logically awesome."), HookID: gh.Int64(hookID),
		Hook: &gh.Hook{ID: gh.Int64(hookID), Type: gh.String("App"), Events: []string{"issues", "issue_comment"}, Active: gh.Bool(true)},
	})
}

// PR is a pull request.
type PR struct {
	Number  int
	Author  User
	HeadSHA string
	HeadRef string
	Draft   bool
	Title   string
	Body    string
	State   string // default "open"
	Merged  bool
}

func (r Repo) pull(p PR) *gh.PullRequest {
	state := p.State
	if state == "" {
		state = "open"
	}
	return &gh.PullRequest{
		ID: gh.Int64(r.id()*1000 + int64(p.Number)), Number: gh.Int(p.Number), State: gh.String(state),
		Title: gh.String(p.Title), Body: gh.String(p.Body), User: p.Author.user(), Draft: gh.Bool(p.Draft), Merged: gh.Bool(p.Merged),
		HTMLURL: gh.String(fmt.Sprintf("%s/pull/%d", r.HTMLURL(), p.Number)),
		Head:    &gh.PullRequestBranch{SHA: gh.String(p.HeadSHA), Ref: gh.String(p.HeadRef), Repo: r.repository()},
		Base:    &gh.PullRequestBranch{Ref: gh.String(r.branch()), Repo: r.repository()},
	}
}

// PullRequest is a "pull_request" delivery.
func PullRequest(action string, r Repo, p PR, sender User) []byte {
	return marshal(&gh.PullRequestEvent{
		Action: gh.String(action), Number: gh.Int(p.Number), PullRequest: r.pull(p),
		Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
	})
}

// PullSynchronize is a "pull_request" synchronize delivery: the head moved
// from before to after.
func PullSynchronize(r Repo, p PR, before, after string, sender User) []byte {
	return marshal(&gh.PullRequestEvent{
		Action: gh.String("synchronize"), Number: gh.Int(p.Number), PullRequest: r.pull(p),
		Before: gh.String(before), After: gh.String(after),
		Repo: r.repository(), Sender: sender.user(), Installation: r.installation(),
	})
}

// ReviewComment is a "pull_request_review_comment" delivery on path:line.
func ReviewComment(action string, r Repo, p PR, c Comment, path string, line int) []byte {
	return marshal(&gh.PullRequestReviewCommentEvent{
		Action: gh.String(action), PullRequest: r.pull(p),
		Comment: &gh.PullRequestComment{
			ID: gh.Int64(c.ID), Body: gh.String(c.Body), User: c.Author.user(), Path: gh.String(path), Line: gh.Int(line),
			HTMLURL:   gh.String(fmt.Sprintf("%s/pull/%d#discussion_r%d", r.HTMLURL(), p.Number, c.ID)),
			CreatedAt: c.at(), UpdatedAt: c.at(),
		},
		Repo: r.repository(), Sender: c.Author.user(), Installation: r.installation(),
	})
}

// Review is a "pull_request_review" submitted delivery.
func Review(r Repo, p PR, c Comment, state string) []byte {
	return marshal(&gh.PullRequestReviewEvent{
		Action: gh.String("submitted"), PullRequest: r.pull(p),
		Review: &gh.PullRequestReview{
			ID: gh.Int64(c.ID), Body: gh.String(c.Body), User: c.Author.user(), State: gh.String(state),
			HTMLURL:     gh.String(fmt.Sprintf("%s/pull/%d#pullrequestreview-%d", r.HTMLURL(), p.Number, c.ID)),
			SubmittedAt: c.at(),
		},
		Repo: r.repository(), Sender: c.Author.user(), Installation: r.installation(),
	})
}

// Run is a completed GitHub Actions workflow run.
type Run struct {
	ID         int64
	Name       string // e.g. "CI"
	Path       string // e.g. ".github/workflows/ci.yml"
	HeadSHA    string
	HeadBranch string
	Conclusion string // "failure", "success", ...
	// PRs are the numbers of the pull requests the run is for.
	PRs   []int
	Actor User
	// HeadRepo is the repository the head commit is in (a fork); zero
	// means the repository itself.
	HeadRepo Repo
}

// WorkflowRun is a "workflow_run" completed delivery.
func WorkflowRun(r Repo, run Run) []byte {
	wr := &gh.WorkflowRun{
		ID: gh.Int64(run.ID), Name: gh.String(run.Name), Path: gh.String(run.Path),
		HeadSHA: gh.String(run.HeadSHA), HeadBranch: gh.String(run.HeadBranch),
		Status: gh.String("completed"), Conclusion: gh.String(run.Conclusion),
		HTMLURL: gh.String(fmt.Sprintf("%s/actions/runs/%d", r.HTMLURL(), run.ID)),
		Actor:   run.Actor.user(), TriggeringActor: run.Actor.user(),
		Repository: r.repository(), HeadRepository: r.repository(),
	}
	if run.HeadRepo.Name != "" {
		wr.HeadRepository = run.HeadRepo.repository()
	}
	for _, n := range run.PRs {
		wr.PullRequests = append(wr.PullRequests, &gh.PullRequest{Number: gh.Int(n), Head: &gh.PullRequestBranch{SHA: gh.String(run.HeadSHA)}})
	}
	return marshal(&gh.WorkflowRunEvent{
		Action: gh.String("completed"), WorkflowRun: wr,
		Repo: r.repository(), Sender: run.Actor.user(), Installation: r.installation(),
	})
}

// Push is a "push" delivery of one commit to the default branch that
// modifies the given files.
func Push(r Repo, before, after string, pusher User, modified ...string) []byte {
	repo := r.repository()
	return marshal(&gh.PushEvent{
		Ref: gh.String("refs/heads/" + r.branch()), Before: gh.String(before), After: gh.String(after),
		Commits: []*gh.HeadCommit{{ID: gh.String(after), Message: gh.String("Update"), Modified: modified, Added: []string{}, Removed: []string{}}},
		Repo: &gh.PushEventRepository{
			ID: repo.ID, Name: repo.Name, FullName: repo.FullName, HTMLURL: repo.HTMLURL, DefaultBranch: repo.DefaultBranch,
			Owner: &gh.User{Login: gh.String(r.Owner), Name: gh.String(r.Owner), ID: repo.Owner.ID},
		},
		Pusher: &gh.CommitAuthor{Name: gh.String(pusher.Login), Login: gh.String(pusher.Login)},
		Sender: pusher.user(), Installation: r.installation(),
	})
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// go-github's event types are plain data: marshalling cannot fail.
		panic(fmt.Sprintf("payloads: %v", err))
	}
	return b
}

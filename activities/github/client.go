package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	gh "github.com/google/go-github/v66/github"
)

// perPage is the page size of every list call (GitHub's maximum).
const perPage = 100

// maxStatusDescription is GitHub's limit on a commit status description.
const maxStatusDescription = 140

// maxCompareFiles is how many files the compare API lists at most.
const maxCompareFiles = 300

// Client is one installation's view of GitHub. Make one per activity call
// with Factory.Installation; never keep one in a workflow.
type Client struct {
	gh         *gh.Client
	noRedirect *http.Client // installation-authenticated, answers 3xx as is
	storage    *http.Client // unauthenticated, for signed storage URLs
	graphqlURL string
}

func (f *Factory) newClient(tr http.RoundTripper) *Client {
	c := gh.NewClient(&http.Client{Transport: tr, Timeout: f.timeout})
	c.BaseURL = f.apiURL
	c.UploadURL = f.apiURL
	c.UserAgent = userAgent
	return &Client{
		gh: c,
		noRedirect: &http.Client{
			Transport:     tr,
			Timeout:       f.timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		storage:    &http.Client{Transport: f.raw, Timeout: f.timeout},
		graphqlURL: f.graphqlURL,
	}
}

// Issue is the part of a GitHub issue the workflows use.
type Issue struct {
	Number        int      `json:"number"`
	State         string   `json:"state"`
	Title         string   `json:"title"`
	HTMLURL       string   `json:"html_url"`
	Assignees     []string `json:"assignees,omitempty"`
	IsPullRequest bool     `json:"is_pull_request,omitempty"`
	Author        string   `json:"author"`
}

// PullRequest is the part of a GitHub pull request the workflows use.
type PullRequest struct {
	Number  int    `json:"number"`
	Author  string `json:"author"`
	HeadSHA string `json:"head_sha"`
	HeadRef string `json:"head_ref"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
}

// CommitStatus is a commit status to create.
type CommitStatus struct {
	// State is "error", "failure", "pending" or "success".
	State   string `json:"state"`
	Context string `json:"context"`
	// Description is cut to 140 characters.
	Description string `json:"description,omitempty"`
	TargetURL   string `json:"target_url,omitempty"`
}

// isNotFound reports whether err is GitHub's 404.
func isNotFound(err error) bool {
	var er *gh.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}

// GetIssue returns an issue (or the issue view of a pull request).
func (c *Client) GetIssue(ctx context.Context, owner, repo string, n int) (Issue, error) {
	is, _, err := c.gh.Issues.Get(ctx, owner, repo, n)
	if err != nil {
		return Issue{}, fmt.Errorf("get issue %s/%s#%d: %w", owner, repo, n, err)
	}
	out := Issue{
		Number:        is.GetNumber(),
		State:         is.GetState(),
		Title:         is.GetTitle(),
		HTMLURL:       is.GetHTMLURL(),
		IsPullRequest: is.IsPullRequest(),
		Author:        is.GetUser().GetLogin(),
	}
	for _, a := range is.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	return out, nil
}

// PermissionLevel returns login's role on the repository: role_name when
// GitHub sends it (admin, maintain, write, triage, read), else the legacy
// permission. A user who is not a collaborator (404) is "none".
func (c *Client) PermissionLevel(ctx context.Context, owner, repo, login string) (string, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, owner, repo, login)
	if isNotFound(err) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("permission of %s on %s/%s: %w", login, owner, repo, err)
	}
	if r := p.GetRoleName(); r != "" {
		return r, nil
	}
	return p.GetPermission(), nil
}

func pullRequest(pr *gh.PullRequest) PullRequest {
	return PullRequest{
		Number:  pr.GetNumber(),
		Author:  pr.GetUser().GetLogin(),
		HeadSHA: pr.GetHead().GetSHA(),
		HeadRef: pr.GetHead().GetRef(),
		HTMLURL: pr.GetHTMLURL(),
		State:   pr.GetState(),
	}
}

// GetPullRequest returns a pull request.
func (c *Client) GetPullRequest(ctx context.Context, owner, repo string, n int) (PullRequest, error) {
	pr, _, err := c.gh.PullRequests.Get(ctx, owner, repo, n)
	if err != nil {
		return PullRequest{}, fmt.Errorf("get pull request %s/%s#%d: %w", owner, repo, n, err)
	}
	return pullRequest(pr), nil
}

// FindOpenPullRequestByHead returns the open pull request whose head is
// sha, or nil when there is none.
func (c *Client) FindOpenPullRequestByHead(ctx context.Context, owner, repo, sha string) (*PullRequest, error) {
	opts := &gh.PullRequestListOptions{
		State: "open", Sort: "updated", Direction: "desc",
		ListOptions: gh.ListOptions{PerPage: perPage},
	}
	for {
		prs, resp, err := c.gh.PullRequests.List(ctx, owner, repo, opts)
		if err != nil {
			return nil, fmt.Errorf("list open pull requests of %s/%s: %w", owner, repo, err)
		}
		for _, pr := range prs {
			if pr.GetHead().GetSHA() == sha {
				out := pullRequest(pr)
				return &out, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// DefaultBranch returns the repository's default branch.
func (c *Client) DefaultBranch(ctx context.Context, owner, repo string) (string, error) {
	r, _, err := c.gh.Repositories.Get(ctx, owner, repo)
	if err != nil {
		return "", fmt.Errorf("get repository %s/%s: %w", owner, repo, err)
	}
	if r.GetDefaultBranch() == "" {
		return "", fmt.Errorf("get repository %s/%s: no default branch", owner, repo)
	}
	return r.GetDefaultBranch(), nil
}

// GetFile returns a file's content at ref ("" = the default branch).
// A missing file, or a path that is not a regular file, is found=false.
func (c *Client) GetFile(ctx context.Context, owner, repo, path, ref string) (File, bool, error) {
	file, _, _, err := c.gh.Repositories.GetContents(ctx, owner, repo, path, &gh.RepositoryContentGetOptions{Ref: ref})
	if isNotFound(err) {
		return File{}, false, nil
	}
	if err != nil {
		return File{}, false, fmt.Errorf("get %s from %s/%s@%s: %w", path, owner, repo, ref, err)
	}
	if file == nil || file.GetType() != "file" {
		return File{}, false, nil
	}
	s, err := file.GetContent()
	if err != nil {
		return File{}, false, fmt.Errorf("decode %s from %s/%s@%s: %w", path, owner, repo, ref, err)
	}
	return File{Content: []byte(s), HTMLURL: file.GetHTMLURL()}, true, nil
}

// File is a file read from a repository: its content and its web page
// (html_url of the contents API, GitHub Enterprise's host included).
type File struct {
	Content []byte
	HTMLURL string
}

// CreateCommitStatus sets a commit status on sha.
func (c *Client) CreateCommitStatus(ctx context.Context, owner, repo, sha string, s CommitStatus) error {
	st := &gh.RepoStatus{State: gh.String(s.State), Context: gh.String(s.Context)}
	if d := truncateRunes(s.Description, maxStatusDescription); d != "" {
		st.Description = gh.String(d)
	}
	if s.TargetURL != "" {
		st.TargetURL = gh.String(s.TargetURL)
	}
	if _, _, err := c.gh.Repositories.CreateStatus(ctx, owner, repo, sha, st); err != nil {
		return fmt.Errorf("create status %q on %s/%s@%s: %w", s.Context, owner, repo, sha, err)
	}
	return nil
}

// truncateRunes cuts s to at most n characters, keeping valid UTF-8.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// CompareTouches reports whether the comparison base...head changes path,
// and whether it removes it (deleted, or renamed away). When GitHub's file
// list is full (300 files) and path is not in it, the answer is
// touched=true: the list may have been cut.
func (c *Client) CompareTouches(ctx context.Context, owner, repo, base, head, path string) (touched bool, removed bool, err error) {
	cmp, _, err := c.gh.Repositories.CompareCommits(ctx, owner, repo, base, head, nil)
	if err != nil {
		return false, false, fmt.Errorf("compare %s...%s on %s/%s: %w", base, head, owner, repo, err)
	}
	for _, f := range cmp.Files {
		switch {
		case f.GetFilename() == path:
			return true, f.GetStatus() == "removed", nil
		case f.GetPreviousFilename() == path:
			return true, true, nil
		}
	}
	return len(cmp.Files) >= maxCompareFiles, false, nil
}

package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v66/github"
)

// maxPullFiles is how many changed files GitHub lists for a pull request
// at most (its documented cap of the files endpoint).
const maxPullFiles = 3000

// PullFiles returns the paths a pull request changes (renamed files by
// their new path), up to GitHub's 3,000.
//
// Wire fact (go-github v66 github/pulls.go PullRequestsService.ListFiles;
// GitHub REST "List pull requests files"): GET
// /repos/{owner}/{repo}/pulls/{n}/files, paginated (per_page at most 100),
// answers [{filename, status, ...}].
func (c *Client) PullFiles(ctx context.Context, owner, repo string, n int) ([]string, error) {
	opts := &gh.ListOptions{PerPage: perPage}
	var out []string
	for {
		files, resp, err := c.gh.PullRequests.ListFiles(ctx, owner, repo, n, opts)
		if err != nil {
			return nil, fmt.Errorf("list files of pull request %s/%s#%d: %w", owner, repo, n, err)
		}
		for _, f := range files {
			out = append(out, f.GetFilename())
		}
		if resp.NextPage == 0 || len(out) >= maxPullFiles {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// TeamMember reports whether login is an active member of the team slug of
// organization org. A team that does not exist, or that the App may not
// see, counts as no membership.
//
// Wire fact (go-github v66 github/teams_members.go
// TeamsService.GetTeamMembershipBySlug, github/orgs_members.go Membership;
// GitHub REST "Get team membership for a user"): GET
// /orgs/{org}/teams/{team_slug}/memberships/{username} answers 200 with
// {state: "active"|"pending", role}, or 404 when the user is not a member
// (or the team is not visible). It needs the App's members:read permission.
func (c *Client) TeamMember(ctx context.Context, org, slug, login string) (bool, error) {
	m, _, err := c.gh.Teams.GetTeamMembershipBySlug(ctx, org, slug, login)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("team membership %s/%s of %s: %w", org, slug, login, err)
	}
	return m.GetState() == "active", nil
}

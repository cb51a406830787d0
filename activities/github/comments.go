package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// ErrInvalidArgument marks a call that can never succeed as made (a
// programming error); Classify makes it non-retryable.
var ErrInvalidArgument = errors.New("invalid argument")

// UpsertMarkedComment keeps one comment per issue identified by marker, the
// start of its body, written by author (the App's bot login). It edits
// knownID when given (falling back when that comment is gone), else the
// first comment by author whose body starts with marker, else creates one.
// Anyone can paste the marker into a comment; only author's count, so a
// spoofed status comment is never edited or trusted. It returns the
// comment's id.
func (c *Client) UpsertMarkedComment(ctx context.Context, owner, repo string, n int, marker, author, body string, knownID int64) (int64, error) {
	if marker == "" || !strings.HasPrefix(body, marker) {
		return 0, fmt.Errorf("upsert comment on %s/%s#%d: body must start with the marker: %w", owner, repo, n, ErrInvalidArgument)
	}
	if author == "" {
		return 0, fmt.Errorf("upsert comment on %s/%s#%d: no author to match the marker against: %w", owner, repo, n, ErrInvalidArgument)
	}
	if knownID != 0 {
		id, err := c.editComment(ctx, owner, repo, knownID, body)
		if err == nil {
			return id, nil
		}
		if !isNotFound(err) {
			return 0, err
		}
	}
	existing, err := c.findMarkedComment(ctx, owner, repo, n, marker, author)
	if err != nil {
		return 0, err
	}
	if existing != 0 {
		return c.editComment(ctx, owner, repo, existing, body)
	}
	return c.CreateComment(ctx, owner, repo, n, body)
}

func (c *Client) editComment(ctx context.Context, owner, repo string, id int64, body string) (int64, error) {
	cm, _, err := c.gh.Issues.EditComment(ctx, owner, repo, id, &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return 0, fmt.Errorf("edit comment %d on %s/%s: %w", id, owner, repo, err)
	}
	return cm.GetID(), nil
}

// findMarkedComment returns the id of the issue's first comment by author
// whose body starts with marker, or 0, reading every page.
func (c *Client) findMarkedComment(ctx context.Context, owner, repo string, n int, marker, author string) (int64, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: perPage}}
	for {
		comments, resp, err := c.gh.Issues.ListComments(ctx, owner, repo, n, opts)
		if err != nil {
			return 0, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, n, err)
		}
		for _, cm := range comments {
			if strings.EqualFold(cm.GetUser().GetLogin(), author) && strings.HasPrefix(cm.GetBody(), marker) {
				return cm.GetID(), nil
			}
		}
		if resp.NextPage == 0 {
			return 0, nil
		}
		opts.Page = resp.NextPage
	}
}

// CreateComment posts a comment on an issue or pull request and returns its id.
func (c *Client) CreateComment(ctx context.Context, owner, repo string, n int, body string) (int64, error) {
	cm, _, err := c.gh.Issues.CreateComment(ctx, owner, repo, n, &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return 0, fmt.Errorf("comment on %s/%s#%d: %w", owner, repo, n, err)
	}
	return cm.GetID(), nil
}

// ReactToIssueComment adds a reaction ("eyes", "+1", ...) to an issue or
// pull request conversation comment; reacting twice is harmless.
func (c *Client) ReactToIssueComment(ctx context.Context, owner, repo string, commentID int64, content string) error {
	if _, _, err := c.gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, commentID, content); err != nil {
		return fmt.Errorf("react %q to comment %d on %s/%s: %w", content, commentID, owner, repo, err)
	}
	return nil
}

// ReactToReviewComment adds a reaction to a pull request review comment.
func (c *Client) ReactToReviewComment(ctx context.Context, owner, repo string, commentID int64, content string) error {
	if _, _, err := c.gh.Reactions.CreatePullRequestCommentReaction(ctx, owner, repo, commentID, content); err != nil {
		return fmt.Errorf("react %q to review comment %d on %s/%s: %w", content, commentID, owner, repo, err)
	}
	return nil
}

// CommentBody reads a comment's body back by id: an issue or pull request
// conversation comment (kind "issue"), a review comment ("review_comment")
// or a review's body ("review", which needs the pull request number). A
// comment that no longer exists is found=false.
//
// Wire facts (go-github v66 issues_comments.go, pulls_comments.go,
// pulls_reviews.go): GET /repos/{o}/{r}/issues/comments/{id},
// /pulls/comments/{id}, /pulls/{n}/reviews/{id}; each answers with "body".
func (c *Client) CommentBody(ctx context.Context, owner, repo, kind string, id int64, pr int) (body string, found bool, err error) {
	switch kind {
	case "issue":
		cm, _, err := c.gh.Issues.GetComment(ctx, owner, repo, id)
		if isNotFound(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("get comment %d of %s/%s: %w", id, owner, repo, err)
		}
		return cm.GetBody(), true, nil
	case "review_comment":
		cm, _, err := c.gh.PullRequests.GetComment(ctx, owner, repo, id)
		if isNotFound(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("get review comment %d of %s/%s: %w", id, owner, repo, err)
		}
		return cm.GetBody(), true, nil
	case "review":
		rv, _, err := c.gh.PullRequests.GetReview(ctx, owner, repo, pr, id)
		if isNotFound(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("get review %d of %s/%s#%d: %w", id, owner, repo, pr, err)
		}
		return rv.GetBody(), true, nil
	}
	return "", false, fmt.Errorf("comment kind %q: %w", kind, ErrInvalidArgument)
}

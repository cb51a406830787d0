package activities

import (
	"context"
	"fmt"
	"strings"

	ghapi "github.com/code-factory/code-factory/activities/github"
)

// IssueRef names an issue (or pull request) of an installation's repository.
type IssueRef struct {
	InstallationID int64 `json:"installation_id"`
	Repo           Repo  `json:"repo"`
	Number         int   `json:"number"`
}

// CheckIssueInput asks whether an issue still wants the agent.
type CheckIssueInput struct {
	Issue      IssueRef `json:"issue"`
	AgentLogin string   `json:"agent_login"`
}

// IssueCheck is what CheckIssue found.
type IssueCheck struct {
	Open          bool   `json:"open"`
	AgentAssigned bool   `json:"agent_assigned"`
	URL           string `json:"url"`
	// Title is the issue's title, sanitised to one line (SanitizeLine).
	Title string `json:"title,omitempty"`
}

// CheckIssue re-reads the issue from GitHub: a late or redelivered
// assignment must not start a task for an issue that is closed or no longer
// assigned to the agent.
func (a *Activities) CheckIssue(ctx context.Context, in CheckIssueInput) (IssueCheck, error) {
	c, err := a.installation(in.Issue.InstallationID)
	if err != nil {
		return IssueCheck{}, err
	}
	is, err := c.GetIssue(ctx, in.Issue.Repo.Owner, in.Issue.Repo.Name, in.Issue.Number)
	if err != nil {
		return IssueCheck{}, ghapi.Classify(err)
	}
	out := IssueCheck{Open: is.State == "open", URL: is.HTMLURL, Title: SanitizeLine(is.Title)}
	for _, l := range is.Assignees {
		if strings.EqualFold(l, in.AgentLogin) {
			out.AgentAssigned = true
		}
	}
	return out, nil
}

// AuthorInput asks who a GitHub user is to this repository.
type AuthorInput struct {
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	Login          string `json:"login"`
}

// AuthorCheck says whether a user's words may reach the agent.
type AuthorCheck struct {
	// Bot is true for the App's own bot login.
	Bot bool `json:"bot"`
	// Permission is admin, maintain, write, triage, read or none.
	Permission string `json:"permission"`
}

// CheckAuthor reports whether login is the App's bot, and its permission on
// the repository.
func (a *Activities) CheckAuthor(ctx context.Context, in AuthorInput) (AuthorCheck, error) {
	bot, err := a.bot(ctx)
	if err != nil {
		return AuthorCheck{}, err
	}
	if strings.EqualFold(bot, in.Login) {
		return AuthorCheck{Bot: true, Permission: "none"}, nil
	}
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return AuthorCheck{}, err
	}
	p, err := c.PermissionLevel(ctx, in.Repo.Owner, in.Repo.Name, in.Login)
	if err != nil {
		return AuthorCheck{}, ghapi.Classify(err)
	}
	return AuthorCheck{Permission: p}, nil
}

// StatusInput sets the issue's status comment.
type StatusInput struct {
	Issue IssueRef `json:"issue"`
	// Text is the visible text; the hidden marker line is added here.
	Text string `json:"text"`
	// CommentID is the status comment's id if known (0 = find it by marker).
	CommentID int64 `json:"comment_id,omitempty"`
}

// SetStatus creates or edits the one status comment of the issue, found by
// the hidden marker on its first line. It returns the comment id.
func (a *Activities) SetStatus(ctx context.Context, in StatusInput) (int64, error) {
	c, err := a.installation(in.Issue.InstallationID)
	if err != nil {
		return 0, err
	}
	bot, err := a.bot(ctx)
	if err != nil {
		return 0, err
	}
	body := StatusCommentMarker + "\n" + in.Text
	id, err := c.UpsertMarkedComment(ctx, in.Issue.Repo.Owner, in.Issue.Repo.Name, in.Issue.Number, StatusCommentMarker, bot, body, in.CommentID)
	if err != nil {
		return 0, ghapi.Classify(fmt.Errorf("status comment: %w", err))
	}
	return id, nil
}

// ReactInput adds an "eyes" reaction to a comment.
type ReactInput struct {
	InstallationID int64 `json:"installation_id"`
	Repo           Repo  `json:"repo"`
	CommentID      int64 `json:"comment_id"`
	// Review selects the pull-request review-comment endpoint.
	Review bool `json:"review,omitempty"`
}

// React acknowledges a comment with an "eyes" reaction.
func (a *Activities) React(ctx context.Context, in ReactInput) error {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return err
	}
	if in.Review {
		err = c.ReactToReviewComment(ctx, in.Repo.Owner, in.Repo.Name, in.CommentID, "eyes")
	} else {
		err = c.ReactToIssueComment(ctx, in.Repo.Owner, in.Repo.Name, in.CommentID, "eyes")
	}
	return ghapi.Classify(err)
}

// CommentBodyInput names a comment to read back: Kind is "issue" (issue or
// pull request conversation), "review_comment" or "review" (with PRNumber).
type CommentBodyInput struct {
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	Kind           string `json:"kind"`
	ID             int64  `json:"id"`
	PRNumber       int    `json:"pr_number,omitempty"`
}

// CommentBody is a comment's body as it is now; Found is false when it
// was deleted.
type CommentBody struct {
	Body  string `json:"body"`
	Found bool   `json:"found"`
}

// FetchCommentBody reads a comment's body back from GitHub: a run that
// continued as new with many comments queued carries big bodies by id only.
func (a *Activities) FetchCommentBody(ctx context.Context, in CommentBodyInput) (CommentBody, error) {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return CommentBody{}, err
	}
	body, found, err := c.CommentBody(ctx, in.Repo.Owner, in.Repo.Name, in.Kind, in.ID, in.PRNumber)
	if err != nil {
		return CommentBody{}, ghapi.Classify(err)
	}
	return CommentBody{Body: body, Found: found}, nil
}

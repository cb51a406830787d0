package ingress

import (
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v66/github"
)

// IssueTransferredEvent is an "issues" "transferred" delivery with where
// the issue went. go-github's IssuesEvent has no field for it.
//
// Wire fact (GitHub's webhook schema, github/rest-api-description,
// webhook-issues-transferred): "changes": {"new_issue": issue,
// "new_repository": repository}.
type IssueTransferredEvent struct {
	*github.IssuesEvent
	NewIssue *github.Issue
	NewRepo  *github.Repository
}

// parsePayload is github.ParseWebHook, reading the extra parts of the
// deliveries code-factory needs that go-github does not model. It is pure.
func parsePayload(event string, raw []byte) (any, error) {
	payload, err := github.ParseWebHook(event, raw)
	if err != nil {
		return nil, err
	}
	if ie, ok := payload.(*github.IssuesEvent); ok && ie.GetAction() == "transferred" {
		var extra struct {
			Changes struct {
				NewIssue      *github.Issue      `json:"new_issue"`
				NewRepository *github.Repository `json:"new_repository"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(raw, &extra); err != nil {
			return nil, fmt.Errorf("issues.transferred changes: %w", err)
		}
		return &IssueTransferredEvent{IssuesEvent: ie, NewIssue: extra.Changes.NewIssue, NewRepo: extra.Changes.NewRepository}, nil
	}
	return payload, nil
}

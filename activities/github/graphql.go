package github

import (
	"context"
	"fmt"
	"strings"
)

// closingIssuesQuery lists the issues a pull request closes.
const closingIssuesQuery = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      closingIssuesReferences(first: 10) { nodes { number repository { nameWithOwner } } }
    }
  }
}`

// GraphQLError is a GraphQL answer that carried "errors".
type GraphQLError struct {
	// Messages are the errors' messages, in order.
	Messages []string
	// Types are the errors' types (e.g. "NOT_FOUND", "RATE_LIMITED"), in order; may be empty strings.
	Types []string
}

// Error implements error.
func (e *GraphQLError) Error() string {
	return "graphql: " + strings.Join(e.Messages, "; ")
}

// allTypes reports whether every error has type t.
func (e *GraphQLError) allTypes(t string) bool {
	for _, x := range e.Types {
		if x != t {
			return false
		}
	}
	return len(e.Types) > 0
}

// hasType reports whether any error has type t.
func (e *GraphQLError) hasType(t string) bool {
	for _, x := range e.Types {
		if x == t {
			return true
		}
	}
	return false
}

type graphqlResponse[T any] struct {
	Data   *T `json:"data"`
	Errors []struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"errors"`
}

// graphql POSTs a query to the GraphQL endpoint with the installation token
// and decodes "data" into out.
func graphql[T any](ctx context.Context, c *Client, query string, vars map[string]any, out *T) error {
	req, err := c.gh.NewRequest("POST", c.graphqlURL, map[string]any{"query": query, "variables": vars})
	if err != nil {
		return fmt.Errorf("graphql request: %w", err)
	}
	var resp graphqlResponse[T]
	if _, err := c.gh.Do(ctx, req, &resp); err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		ge := &GraphQLError{}
		for _, e := range resp.Errors {
			ge.Messages = append(ge.Messages, e.Message)
			ge.Types = append(ge.Types, e.Type)
		}
		return ge
	}
	if resp.Data == nil {
		return &GraphQLError{Messages: []string{"answer has no data"}}
	}
	*out = *resp.Data
	return nil
}

// ClosingIssue is an issue a pull request will close. It may be in another
// repository: "Fixes other/repo#7" is a closing reference too.
type ClosingIssue struct {
	Number int
	// Repo is the issue repository's "owner/name" (nameWithOwner).
	Repo string
}

// ClosingIssues returns the issues a pull request will close (its
// closingIssuesReferences, first 10), each with its repository.
//
// Wire facts (GitHub GraphQL schema, docs.github.com/graphql/reference):
// PullRequest.closingIssuesReferences is an IssueConnection; Issue has
// repository: Repository!, and Repository.nameWithOwner is "owner/name".
func (c *Client) ClosingIssues(ctx context.Context, owner, repo string, pr int) ([]ClosingIssue, error) {
	var data struct {
		Repository *struct {
			PullRequest *struct {
				ClosingIssuesReferences struct {
					Nodes []struct {
						Number     int `json:"number"`
						Repository struct {
							NameWithOwner string `json:"nameWithOwner"`
						} `json:"repository"`
					} `json:"nodes"`
				} `json:"closingIssuesReferences"`
			} `json:"pullRequest"`
		} `json:"repository"`
	}
	vars := map[string]any{"owner": owner, "name": repo, "number": pr}
	if err := graphql(ctx, c, closingIssuesQuery, vars, &data); err != nil {
		return nil, fmt.Errorf("closing issues of %s/%s#%d: %w", owner, repo, pr, err)
	}
	if data.Repository == nil || data.Repository.PullRequest == nil {
		return nil, fmt.Errorf("closing issues of %s/%s#%d: %w", owner, repo, pr,
			&GraphQLError{Messages: []string{"pull request not found"}, Types: []string{"NOT_FOUND"}})
	}
	var out []ClosingIssue
	for _, n := range data.Repository.PullRequest.ClosingIssuesReferences.Nodes {
		out = append(out, ClosingIssue{Number: n.Number, Repo: n.Repository.NameWithOwner})
	}
	return out, nil
}

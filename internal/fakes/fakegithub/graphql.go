package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// graphqlPatterns parse the one GraphQL query the fake answers: a pull
// request's closingIssuesReferences. Arguments may be literals or $variables.
type graphqlPatterns struct {
	repository, pull, first *regexp.Regexp
}

func newGraphQLPatterns() graphqlPatterns {
	return graphqlPatterns{
		repository: regexp.MustCompile(`repository\s*\(\s*owner\s*:\s*(\$\w+|"[^"]*")\s*,\s*name\s*:\s*(\$\w+|"[^"]*")\s*\)`),
		pull:       regexp.MustCompile(`pullRequest\s*\(\s*number\s*:\s*(\$\w+|\d+)\s*\)`),
		first:      regexp.MustCompile(`closingIssuesReferences\s*\(\s*first\s*:\s*(\$\w+|\d+)`),
	}
}

func graphqlErrors(msgs ...string) reply {
	var errs []any
	for _, m := range msgs {
		errs = append(errs, map[string]any{"message": m})
	}
	return jsonReply(http.StatusOK, map[string]any{"errors": errs})
}

// resolveArg turns a literal or $variable into its string value.
func resolveArg(arg string, vars map[string]any) (string, bool) {
	if name, ok := strings.CutPrefix(arg, "$"); ok {
		switch v := vars[name].(type) {
		case string:
			return v, true
		case float64:
			return strconv.FormatInt(int64(v), 10), true
		}
		return "", false
	}
	return strings.Trim(arg, `"`), true
}

// graphql answers POST /graphql for the closingIssuesReferences query.
func (s *Server) graphql(r *http.Request) reply {
	var in struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return errorReply(http.StatusBadRequest, "Problems parsing JSON")
	}
	repoM := s.gql.repository.FindStringSubmatch(in.Query)
	pullM := s.gql.pull.FindStringSubmatch(in.Query)
	if repoM == nil || pullM == nil || !strings.Contains(in.Query, "closingIssuesReferences") {
		return graphqlErrors("fakegithub answers only repository(owner,name){pullRequest(number){closingIssuesReferences}}")
	}
	owner, ok1 := resolveArg(repoM[1], in.Variables)
	name, ok2 := resolveArg(repoM[2], in.Variables)
	numS, ok3 := resolveArg(pullM[1], in.Variables)
	num, err := strconv.Atoi(numS)
	if !ok1 || !ok2 || !ok3 || err != nil {
		return graphqlErrors("Variable is missing or has the wrong type")
	}
	limit := 100
	if m := s.gql.first.FindStringSubmatch(in.Query); m != nil {
		if v, ok := resolveArg(m[1], in.Variables); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				limit = n
			}
		}
	}
	rs := s.st.repo(owner, name)
	issues, scripted := rs.closing[num]
	if !scripted && rs.pulls[num] == nil {
		return jsonReply(http.StatusOK, map[string]any{
			"data": map[string]any{"repository": map[string]any{"pullRequest": nil}},
			"errors": []any{map[string]any{
				"type":      "NOT_FOUND",
				"path":      []any{"repository", "pullRequest"},
				"locations": []any{map[string]any{"line": 1, "column": 1}},
				"message":   fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", num),
			}},
		})
	}
	nodes := []any{}
	for i, ref := range issues {
		if i >= limit {
			break
		}
		state := "OPEN"
		if is := s.st.repo(ref.Owner, ref.Repo).issues[ref.Number]; is != nil && is.State == "closed" {
			state = "CLOSED"
		}
		nodes = append(nodes, map[string]any{
			"number": ref.Number,
			"title":  fmt.Sprintf("Issue %d", ref.Number),
			"state":  state,
			"url":    s.htmlURL(ref.Owner, ref.Repo, "issues", ref.Number),
			"repository": map[string]any{
				"nameWithOwner": ref.Owner + "/" + ref.Repo,
				"databaseId":    userID(ref.Owner + "/" + ref.Repo),
			},
		})
	}
	return jsonReply(http.StatusOK, map[string]any{"data": map[string]any{
		"repository": map[string]any{"pullRequest": map[string]any{
			"closingIssuesReferences": map[string]any{"nodes": nodes},
		}},
	}})
}

package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func pathInt(r *http.Request, name string) (int64, bool) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return v, err == nil && v > 0
}

func (s *Server) htmlURL(owner, repo, kind string, n int) string {
	return fmt.Sprintf("%s%s/%s/%s/%d", s.opts.WebURL, owner, repo, kind, n)
}

// getIssue answers GET /repos/{owner}/{repo}/issues/{n}. A number that is
// only a scripted pull request answers the issue view of that pull request.
func (s *Server) getIssue(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	n, ok := pathInt(r, "n")
	if !ok {
		return notFound()
	}
	rs := s.st.repo(owner, repo)
	is := rs.issues[int(n)]
	pr := rs.pulls[int(n)]
	switch {
	case is != nil:
		return jsonReply(http.StatusOK, s.issueJSON(owner, repo, is, pr))
	case pr != nil:
		view := &Issue{Number: pr.Number, State: pr.State, Title: fmt.Sprintf("Pull request %d", pr.Number), Author: pr.Author}
		return jsonReply(http.StatusOK, s.issueJSON(owner, repo, view, pr))
	}
	return notFound()
}

func (s *Server) issueJSON(owner, repo string, is *Issue, pr *PullRequest) map[string]any {
	b := s.tmpl.get("issue")
	repoPath := fmt.Sprintf("repos/%s/%s", owner, repo)
	path := fmt.Sprintf("%s/issues/%d", repoPath, is.Number)
	b["url"] = s.apiURL(path)
	b["repository_url"] = s.apiURL(repoPath)
	b["comments_url"] = s.apiURL(path + "/comments")
	b["events_url"] = s.apiURL(path + "/events")
	b["labels_url"] = s.apiURL(path + "/labels{/name}")
	b["html_url"] = s.htmlURL(owner, repo, "issues", is.Number)
	b["id"] = userID(fmt.Sprintf("%s#%d", repoPath, is.Number))
	b["number"] = is.Number
	b["title"] = is.Title
	state := is.State
	if state == "" {
		state = "open"
	}
	b["state"] = state
	if state == "closed" {
		b["closed_at"] = time.Now().UTC().Format(time.RFC3339)
	} else {
		b["closed_at"] = nil
	}
	author := is.Author
	if author == "" {
		author = "octocat"
	}
	b["user"] = s.user(author)
	assignees := []any{}
	for _, a := range is.Assignees {
		assignees = append(assignees, s.user(a))
	}
	b["assignees"] = assignees
	if len(assignees) > 0 {
		b["assignee"] = assignees[0]
	} else {
		b["assignee"] = nil
	}
	b["comments"] = len(s.st.issueComments(owner, repo, is.Number))
	if pr != nil {
		pullPath := fmt.Sprintf("%s/pulls/%d", repoPath, pr.Number)
		html := s.htmlURL(owner, repo, "pull", pr.Number)
		// GitHub's issue view of a pull request links to the pull request.
		b["html_url"] = html
		b["pull_request"] = map[string]any{
			"url": s.apiURL(pullPath), "html_url": html,
			"diff_url": html + ".diff", "patch_url": html + ".patch", "merged_at": nil,
		}
	} else {
		delete(b, "pull_request")
	}
	return b
}

// legacyPermission maps a role to the "permission" field's base roles.
func legacyPermission(role string) string {
	switch role {
	case "admin":
		return "admin"
	case "maintain", "write":
		return "write"
	case "triage", "read":
		return "read"
	}
	return "none"
}

// getPermission answers GET /repos/{owner}/{repo}/collaborators/{login}/permission.
func (s *Server) getPermission(r *http.Request) reply {
	owner, repo, login := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("login")
	level, ok := s.st.repo(owner, repo).perms[strings.ToLower(login)]
	if !ok {
		level = s.st.defaultPerm
	}
	b := s.tmpl.get("permission")
	b["permission"] = legacyPermission(level)
	b["role_name"] = level
	b["user"] = s.user(login)
	return jsonReply(http.StatusOK, b)
}

func (s *Server) commentJSON(c *storedComment) map[string]any {
	b := s.tmpl.get("comment")
	repoPath := fmt.Sprintf("repos/%s/%s", c.owner, c.repo)
	b["id"] = c.ID
	b["url"] = s.apiURL(fmt.Sprintf("%s/issues/comments/%d", repoPath, c.ID))
	b["html_url"] = fmt.Sprintf("%s#issuecomment-%d", s.htmlURL(c.owner, c.repo, "issues", c.issue), c.ID)
	b["issue_url"] = s.apiURL(fmt.Sprintf("%s/issues/%d", repoPath, c.issue))
	b["body"] = c.Body
	b["user"] = s.user(c.Login)
	b["created_at"] = c.created.Format(time.RFC3339)
	b["updated_at"] = c.updated.Format(time.RFC3339)
	return b
}

// listComments answers GET /repos/{owner}/{repo}/issues/{n}/comments, paginated.
func (s *Server) listComments(r *http.Request) reply {
	n, ok := pathInt(r, "n")
	if !ok {
		return notFound()
	}
	all := s.st.issueComments(r.PathValue("owner"), r.PathValue("repo"), int(n))
	start, end, h := s.paginate(r, len(all))
	out := []any{}
	for _, c := range all[start:end] {
		out = append(out, s.commentJSON(c))
	}
	rep := jsonReply(http.StatusOK, out)
	rep.header = h
	return rep
}

// createComment answers POST /repos/{owner}/{repo}/issues/{n}/comments as the bot.
// Any issue number is accepted.
func (s *Server) createComment(r *http.Request) reply {
	n, ok := pathInt(r, "n")
	if !ok {
		return notFound()
	}
	var in struct {
		Body string `json:"body"`
	}
	if rep, ok := decodeBody(r, &in); !ok {
		return rep
	}
	if in.Body == "" {
		return validationFailed("body is missing")
	}
	c := s.st.addComment(r.PathValue("owner"), r.PathValue("repo"), int(n), s.BotLogin(), in.Body)
	body := s.commentJSON(c)
	rep := jsonReply(http.StatusCreated, body)
	rep.header = http.Header{"Location": {body["url"].(string)}}
	return rep
}

// updateComment answers PATCH /repos/{owner}/{repo}/issues/comments/{id}.
func (s *Server) updateComment(r *http.Request) reply {
	id, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	c := s.st.comments[id]
	if c == nil || repoKey(c.owner, c.repo) != repoKey(r.PathValue("owner"), r.PathValue("repo")) {
		return notFound()
	}
	var in struct {
		Body string `json:"body"`
	}
	if rep, ok := decodeBody(r, &in); !ok {
		return rep
	}
	if in.Body == "" {
		return validationFailed("body is missing")
	}
	c.Body = in.Body
	c.updated = time.Now().UTC()
	return jsonReply(http.StatusOK, s.commentJSON(c))
}

func validReaction(content string) bool {
	switch content {
	case "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes":
		return true
	}
	return false
}

func (s *Server) reactIssue(r *http.Request) reply  { return s.react(r, "issue") }
func (s *Server) reactReview(r *http.Request) reply { return s.react(r, "review") }

// react creates a reaction as the bot: 201 when new, 200 with the existing
// reaction when the bot already reacted with that content. Any comment id
// is accepted (comments from webhook payloads are not in the fake).
func (s *Server) react(r *http.Request, kind string) reply {
	id, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	var in struct {
		Content string `json:"content"`
	}
	if rep, ok := decodeBody(r, &in); !ok {
		return rep
	}
	if !validReaction(in.Content) {
		return validationFailed("content is not included in the list")
	}
	want := Reaction{Owner: r.PathValue("owner"), Repo: r.PathValue("repo"), CommentID: id, Kind: kind, Content: in.Content}
	bot := s.BotLogin()
	for _, ex := range s.st.reactions {
		if ex.user == bot && ex.Kind == kind && ex.CommentID == id && ex.Content == in.Content &&
			repoKey(ex.Owner, ex.Repo) == repoKey(want.Owner, want.Repo) {
			return jsonReply(http.StatusOK, s.reactionJSON(ex))
		}
	}
	sr := storedReaction{Reaction: want, id: s.st.id(), user: bot}
	s.st.reactions = append(s.st.reactions, sr)
	return jsonReply(http.StatusCreated, s.reactionJSON(sr))
}

func (s *Server) reactionJSON(sr storedReaction) map[string]any {
	b := s.tmpl.get("reaction")
	b["id"] = sr.id
	b["user"] = s.user(sr.user)
	b["content"] = sr.Content
	return b
}

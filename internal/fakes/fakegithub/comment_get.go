package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// PutComment stores an issue (or pull request conversation) comment with
// the id a test's delivery names, so it can be read back by id.
func (s *Server) PutComment(owner, repo string, issue int, id int64, login, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	s.st.comments[id] = &storedComment{Comment: Comment{ID: id, Login: login, Body: body}, owner: owner, repo: repo, issue: issue, created: now, updated: now}
}

// PutReviewComment stores a pull request review comment (on a line).
func (s *Server) PutReviewComment(owner, repo string, pr int, id int64, login, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.extra[fmt.Sprintf("rc/%s/%d", repoKey(owner, repo), id)] = map[string]any{
		"id": id, "body": body, "user": s.user(login), "pull_request_url": s.apiURL(fmt.Sprintf("repos/%s/%s/pulls/%d", owner, repo, pr)),
	}
}

// PutReview stores a submitted pull request review.
func (s *Server) PutReview(owner, repo string, pr int, id int64, login, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.extra[fmt.Sprintf("rv/%s/%d/%d", repoKey(owner, repo), pr, id)] = map[string]any{
		"id": id, "body": body, "user": s.user(login), "state": "COMMENTED",
	}
}

// issueSubresource dispatches GET .../issues/{n}/comments (list) and
// GET .../issues/comments/{id} (one comment).
func (s *Server) issueSubresource(r *http.Request) reply {
	switch {
	case r.PathValue("sub") == "comments":
		return s.listComments(r)
	case r.PathValue("n") == "comments":
		return s.getComment(r)
	}
	return notFound()
}

// getComment answers GET /repos/{owner}/{repo}/issues/comments/{id}.
func (s *Server) getComment(r *http.Request) reply {
	id, err := strconv.ParseInt(r.PathValue("sub"), 10, 64)
	if err != nil || id <= 0 {
		return notFound()
	}
	c := s.st.comments[id]
	if c == nil || repoKey(c.owner, c.repo) != repoKey(r.PathValue("owner"), r.PathValue("repo")) {
		return notFound()
	}
	return jsonReply(http.StatusOK, s.commentJSON(c))
}

// getReviewComment answers GET /repos/{owner}/{repo}/pulls/comments/{id}.
func (s *Server) getReviewComment(r *http.Request) reply {
	id, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	if b, ok := s.st.extra[fmt.Sprintf("rc/%s/%d", repoKey(r.PathValue("owner"), r.PathValue("repo")), id)]; ok {
		return jsonReply(http.StatusOK, b)
	}
	return notFound()
}

// getReview answers GET /repos/{owner}/{repo}/pulls/{n}/reviews/{id}.
func (s *Server) getReview(r *http.Request) reply {
	n, ok1 := pathInt(r, "n")
	id, ok2 := pathInt(r, "id")
	if !ok1 || !ok2 {
		return notFound()
	}
	if b, ok := s.st.extra[fmt.Sprintf("rv/%s/%d/%d", repoKey(r.PathValue("owner"), r.PathValue("repo")), n, id)]; ok {
		return jsonReply(http.StatusOK, b)
	}
	return notFound()
}

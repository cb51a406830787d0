package fakegithub

import (
	"fmt"
	"net/http"
	"strings"
)

// SetTeamMember makes login a member of the team org/slug with state
// "active" or "pending"; "" removes them.
func (s *Server) SetTeamMember(org, slug, login, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := strings.ToLower(org + "/" + slug)
	if s.st.teams[k] == nil {
		s.st.teams[k] = map[string]string{}
	}
	if state == "" {
		delete(s.st.teams[k], strings.ToLower(login))
		return
	}
	s.st.teams[k][strings.ToLower(login)] = state
}

// pullSubresource answers GET /repos/{owner}/{repo}/pulls/{n}/files, the
// changed files of a scripted pull request, paginated like GitHub's.
func (s *Server) pullSubresource(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	n, ok := pathInt(r, "n")
	if !ok || r.PathValue("sub") != "files" {
		return notFound()
	}
	pr := s.st.repo(owner, repo).pulls[int(n)]
	if pr == nil {
		return notFound()
	}
	start, end, h := s.paginate(r, len(pr.Files))
	out := []any{}
	for _, f := range pr.Files[start:end] {
		out = append(out, map[string]any{
			"sha": blobSHA([]byte(f)), "filename": f, "status": "modified", "additions": 1, "deletions": 0, "changes": 1,
			"contents_url": s.apiURL(fmt.Sprintf("repos/%s/%s/contents/%s", owner, repo, f)),
		})
	}
	rep := jsonReply(http.StatusOK, out)
	rep.header = h
	return rep
}

// getTeamMembership answers GET /orgs/{org}/teams/{slug}/memberships/{user}:
// 200 {state, role, url} for a member, 404 otherwise (GitHub REST "Get team
// membership for a user").
func (s *Server) getTeamMembership(r *http.Request) reply {
	org, slug, user := r.PathValue("org"), r.PathValue("slug"), r.PathValue("user")
	state, ok := s.st.teams[strings.ToLower(org+"/"+slug)][strings.ToLower(user)]
	if !ok {
		return notFound()
	}
	return jsonReply(http.StatusOK, map[string]any{
		"url":   s.apiURL(fmt.Sprintf("teams/%s/memberships/%s", slug, user)),
		"role":  "member",
		"state": state,
	})
}

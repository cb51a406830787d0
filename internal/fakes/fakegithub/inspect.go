package fakegithub

import (
	"sort"
	"strings"
)

// Requests returns every recorded request, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.st.requests...)
}

// Reset forgets the recorded requests; scripted state is kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.requests = nil
}

// Count is how many recorded requests match method ("" = any) and pathPrefix.
func (s *Server) Count(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.st.requests {
		if (method == "" || strings.EqualFold(method, r.Method)) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// Comments returns an issue's comments, oldest first.
func (s *Server) Comments(owner, repo string, n int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.st.issueComments(owner, repo, n) {
		out = append(out, c.Comment)
	}
	return out
}

func (st *state) issueComments(owner, repo string, n int) []*storedComment {
	k := repoKey(owner, repo)
	var out []*storedComment
	for _, c := range st.comments {
		if c.issue == n && repoKey(c.owner, c.repo) == k {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Reactions returns the reactions created through the API, in order.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Reaction, 0, len(s.st.reactions))
	for _, r := range s.st.reactions {
		out = append(out, r.Reaction)
	}
	return out
}

// Statuses returns the commit statuses created for sha, in order.
func (s *Server) Statuses(owner, repo, sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.st.repo(owner, repo).statuses[sha]...)
}

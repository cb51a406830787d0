package fakegithub

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// getRepo answers GET /repos/{owner}/{repo}; every repository exists.
func (s *Server) getRepo(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	rs := s.st.repo(owner, repo)
	b := s.tmpl.get("repo")
	b["name"] = repo
	b["full_name"] = owner + "/" + repo
	b["owner"] = s.user(owner)
	b["default_branch"] = rs.defaultBranch
	b["url"] = s.apiURL("repos/" + owner + "/" + repo)
	b["html_url"] = s.opts.WebURL + owner + "/" + repo
	b["id"] = userID(owner + "/" + repo)
	return jsonReply(http.StatusOK, b)
}

func (s *Server) pullJSON(tmpl, owner, repo string, pr *PullRequest) map[string]any {
	b := s.tmpl.get(tmpl)
	repoPath := fmt.Sprintf("repos/%s/%s", owner, repo)
	b["url"] = s.apiURL(fmt.Sprintf("%s/pulls/%d", repoPath, pr.Number))
	b["issue_url"] = s.apiURL(fmt.Sprintf("%s/issues/%d", repoPath, pr.Number))
	b["html_url"] = s.htmlURL(owner, repo, "pull", pr.Number)
	b["id"] = userID(fmt.Sprintf("%s!%d", repoPath, pr.Number))
	b["number"] = pr.Number
	b["state"] = pr.State
	b["title"] = fmt.Sprintf("Pull request %d", pr.Number)
	author := pr.Author
	if author == "" {
		author = "octocat"
	}
	b["user"] = s.user(author)
	head, _ := b["head"].(map[string]any)
	if head == nil {
		head = map[string]any{}
	}
	head["sha"] = pr.HeadSHA
	head["ref"] = pr.HeadRef
	head["label"] = owner + ":" + pr.HeadRef
	head["user"] = s.user(owner)
	b["head"] = head
	if pr.State == "closed" {
		b["closed_at"] = time.Now().UTC().Format(time.RFC3339)
	} else {
		b["closed_at"] = nil
	}
	return b
}

// getPull answers GET /repos/{owner}/{repo}/pulls/{n}.
func (s *Server) getPull(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	n, ok := pathInt(r, "n")
	if !ok {
		return notFound()
	}
	pr := s.st.repo(owner, repo).pulls[int(n)]
	if pr == nil {
		return notFound()
	}
	return jsonReply(http.StatusOK, s.pullJSON("pull", owner, repo, pr))
}

// listPulls answers GET /repos/{owner}/{repo}/pulls (state=open by default),
// newest first, paginated.
func (s *Server) listPulls(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	want := r.URL.Query().Get("state")
	if want == "" {
		want = "open"
	}
	var prs []*PullRequest
	for _, pr := range s.st.repo(owner, repo).pulls {
		if want == "all" || pr.State == want {
			prs = append(prs, pr)
		}
	}
	sort.Slice(prs, func(i, j int) bool { return prs[i].Number > prs[j].Number })
	start, end, h := s.paginate(r, len(prs))
	out := []any{}
	for _, pr := range prs[start:end] {
		out = append(out, s.pullJSON("pullSimple", owner, repo, pr))
	}
	rep := jsonReply(http.StatusOK, out)
	rep.header = h
	return rep
}

// wrapBase64 encodes b the way the contents API does: 60-character lines,
// each ending in "\n".
func wrapBase64(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 60 {
		sb.WriteString(enc[:60])
		sb.WriteByte('\n')
		enc = enc[60:]
	}
	if enc != "" {
		sb.WriteString(enc)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// blobSHA is git's blob id of content.
func blobSHA(content []byte) string {
	sum := sha1.Sum(append([]byte(fmt.Sprintf("blob %d\x00", len(content))), content...))
	return hex.EncodeToString(sum[:])
}

// getContents answers GET /repos/{owner}/{repo}/contents/{path}?ref= for files.
func (s *Server) getContents(r *http.Request) reply {
	owner, repo, p := r.PathValue("owner"), r.PathValue("repo"), strings.Trim(r.PathValue("path"), "/")
	ref := r.URL.Query().Get("ref")
	rs := s.st.repo(owner, repo)
	var content []byte
	found := false
	refs := []string{ref}
	if ref == "" || ref == rs.defaultBranch {
		refs = []string{rs.defaultBranch, ""}
	}
	for _, rf := range refs {
		if c, ok := rs.files[rf][p]; ok {
			content, found = c, true
			break
		}
	}
	if !found {
		return notFound()
	}
	shownRef := ref
	if shownRef == "" {
		shownRef = rs.defaultBranch
	}
	sha := blobSHA(content)
	repoPath := fmt.Sprintf("repos/%s/%s", owner, repo)
	self := s.apiURL(fmt.Sprintf("%s/contents/%s?ref=%s", repoPath, p, url.QueryEscape(shownRef)))
	gitURL := s.apiURL(fmt.Sprintf("%s/git/blobs/%s", repoPath, sha))
	html := fmt.Sprintf("%s%s/%s/blob/%s/%s", s.opts.WebURL, owner, repo, shownRef, p)
	b := s.tmpl.get("content")
	b["type"] = "file"
	b["encoding"] = "base64"
	b["size"] = len(content)
	b["name"] = path.Base(p)
	b["path"] = p
	b["content"] = wrapBase64(content)
	b["sha"] = sha
	b["url"] = self
	b["git_url"] = gitURL
	b["html_url"] = html
	b["download_url"] = fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s/%s", owner, repo, shownRef, p)
	b["_links"] = map[string]any{"self": self, "git": gitURL, "html": html}
	return jsonReply(http.StatusOK, b)
}

// createStatus answers POST /repos/{owner}/{repo}/statuses/{sha}. Like
// GitHub it refuses an unknown state and a description over 140 characters.
func (s *Server) createStatus(r *http.Request) reply {
	owner, repo, sha := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("sha")
	var in struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if rep, ok := decodeBody(r, &in); !ok {
		return rep
	}
	switch in.State {
	case "error", "failure", "pending", "success":
	default:
		return validationFailed("state is not included in the list")
	}
	if utf8.RuneCountInString(in.Description) > 140 {
		return validationFailed("description is too long (maximum is 140 characters)")
	}
	if in.Context == "" {
		in.Context = "default"
	}
	st := Status{State: in.State, Context: in.Context, Description: in.Description, TargetURL: in.TargetURL}
	rs := s.st.repo(owner, repo)
	rs.statuses[sha] = append(rs.statuses[sha], st)
	now := time.Now().UTC().Format(time.RFC3339)
	id := s.st.id()
	return jsonReply(http.StatusCreated, map[string]any{
		"url":         s.apiURL(fmt.Sprintf("repos/%s/%s/statuses/%s", owner, repo, sha)),
		"id":          id,
		"node_id":     fmt.Sprintf("SC_%d", id),
		"state":       st.State,
		"description": st.Description,
		"target_url":  st.TargetURL,
		"context":     st.Context,
		"created_at":  now,
		"updated_at":  now,
		"creator":     s.user(s.BotLogin()),
	})
}

// compare answers GET /repos/{owner}/{repo}/compare/{base}...{head} with the
// scripted files ("identical" and no files when unscripted).
func (s *Server) compare(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	base, head, ok := strings.Cut(r.PathValue("basehead"), "...")
	if !ok || base == "" || head == "" {
		return notFound()
	}
	files := s.st.repo(owner, repo).compare[base+"..."+head]
	outFiles := []any{}
	for _, f := range files {
		m := map[string]any{
			"sha": blobSHA([]byte(f.Filename)), "filename": f.Filename, "status": f.Status,
			"additions": 0, "deletions": 0, "changes": 0,
		}
		if f.PreviousFilename != "" {
			m["previous_filename"] = f.PreviousFilename
		}
		outFiles = append(outFiles, m)
	}
	status, ahead := "identical", 0
	if len(files) > 0 {
		status, ahead = "ahead", 1
	}
	repoPath := fmt.Sprintf("repos/%s/%s", owner, repo)
	return jsonReply(http.StatusOK, map[string]any{
		"url":           s.apiURL(fmt.Sprintf("%s/compare/%s...%s", repoPath, base, head)),
		"html_url":      fmt.Sprintf("%s%s/%s/compare/%s...%s", s.opts.WebURL, owner, repo, base, head),
		"status":        status,
		"ahead_by":      ahead,
		"behind_by":     0,
		"total_commits": ahead,
		"commits":       []any{},
		"files":         outFiles,
	})
}

package fakegithub

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// listJobs answers GET /repos/{owner}/{repo}/actions/runs/{id}/jobs,
// paginated; an unscripted run has no jobs.
func (s *Server) listJobs(r *http.Request) reply {
	owner, repo := r.PathValue("owner"), r.PathValue("repo")
	runID, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	jobs := s.st.repo(owner, repo).runJobs[runID]
	start, end, h := s.paginate(r, len(jobs))
	out := []any{}
	repoPath := fmt.Sprintf("repos/%s/%s", owner, repo)
	for _, j := range jobs[start:end] {
		b := s.tmpl.get("job")
		b["id"] = j.ID
		b["run_id"] = runID
		b["name"] = j.Name
		b["status"] = "completed"
		if j.Conclusion == "" {
			b["status"] = "in_progress"
			b["conclusion"] = nil
		} else {
			b["conclusion"] = j.Conclusion
		}
		b["url"] = s.apiURL(fmt.Sprintf("%s/actions/jobs/%d", repoPath, j.ID))
		b["run_url"] = s.apiURL(fmt.Sprintf("%s/actions/runs/%d", repoPath, runID))
		b["html_url"] = fmt.Sprintf("%s%s/%s/actions/runs/%d/job/%d", s.opts.WebURL, owner, repo, runID, j.ID)
		out = append(out, b)
	}
	rep := jsonReply(http.StatusOK, map[string]any{"total_count": len(jobs), "jobs": out})
	rep.header = h
	return rep
}

// jobLogs answers GET /repos/{owner}/{repo}/actions/jobs/{id}/logs like
// GitHub: 302 to a signed storage URL (404 when no log was scripted).
func (s *Server) jobLogs(r *http.Request) reply {
	id, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	if _, ok := s.st.jobLogs[id]; !ok {
		return notFound()
	}
	sig := newSecret("")
	s.st.logSigs[sig] = id
	loc := s.apiURL(fmt.Sprintf("_storage/jobs/%d/logs?sig=%s", id, sig))
	return reply{status: http.StatusFound, header: http.Header{"Location": {loc}}}
}

// storageLogs serves the log text behind a signed URL. Like a signed
// storage URL it refuses a request that carries Authorization (400) and one
// whose signature it did not issue for that job (403). Range requests work.
func (s *Server) storageLogs(r *http.Request) reply {
	if r.Header.Get("Authorization") != "" {
		return reply{serve: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "Authorization header is not allowed on a signed URL", http.StatusBadRequest)
		}}
	}
	id, ok := pathInt(r, "id")
	if jobID, signed := s.st.logSigs[r.URL.Query().Get("sig")]; !ok || !signed || jobID != id {
		return reply{serve: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "signature did not match", http.StatusForbidden)
		}}
	}
	text := s.st.jobLogs[id]
	return reply{serve: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.ServeContent(w, r, "logs.txt", time.Time{}, strings.NewReader(text))
	}}
}

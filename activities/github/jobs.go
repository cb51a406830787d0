package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// maxLogBytes caps how much of a job log is downloaded.
const maxLogBytes = 4 << 20

// Job is one job of a workflow run.
type Job struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Conclusion string `json:"conclusion,omitempty"`
	HTMLURL    string `json:"html_url"`
}

// ListRunJobs returns every job of a workflow run's latest attempt.
func (c *Client) ListRunJobs(ctx context.Context, owner, repo string, runID int64) ([]Job, error) {
	opts := &gh.ListWorkflowJobsOptions{Filter: "latest", ListOptions: gh.ListOptions{PerPage: perPage}}
	var out []Job
	for {
		jobs, resp, err := c.gh.Actions.ListWorkflowJobs(ctx, owner, repo, runID, opts)
		if err != nil {
			return nil, fmt.Errorf("list jobs of run %d on %s/%s: %w", runID, owner, repo, err)
		}
		for _, j := range jobs.Jobs {
			out = append(out, Job{ID: j.GetID(), Name: j.GetName(), Conclusion: j.GetConclusion(), HTMLURL: j.GetHTMLURL()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// JobLogTail returns the last maxLines lines of a job's log. GitHub answers
// the logs endpoint with a redirect to a signed storage URL, which is
// fetched without the Authorization header. At most the last 4 MiB are
// downloaded (a Range request; a store that ignores it is read up to 4 MiB).
func (c *Client) JobLogTail(ctx context.Context, owner, repo string, jobID int64, maxLines int) (string, error) {
	if maxLines <= 0 {
		return "", nil
	}
	loc, direct, err := c.jobLogLocation(ctx, owner, repo, jobID)
	if err != nil {
		return "", err
	}
	if direct != nil {
		return tailLines(direct, maxLines, cutOf(http.StatusOK, "", len(direct))), nil
	}
	text, cut, err := c.fetchLog(ctx, loc)
	if err != nil {
		return "", fmt.Errorf("log of job %d on %s/%s: %w", jobID, owner, repo, err)
	}
	return tailLines(text, maxLines, cut), nil
}

// jobLogLocation asks the API for a job's log. It returns the storage URL
// of a redirect, or the body when the API serves the log itself.
func (c *Client) jobLogLocation(ctx context.Context, owner, repo string, jobID int64) (*url.URL, []byte, error) {
	path := fmt.Sprintf("repos/%s/%s/actions/jobs/%d/logs", url.PathEscape(owner), url.PathEscape(repo), jobID)
	req, err := c.gh.NewRequest("GET", path, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("job %d logs request: %w", jobID, err)
	}
	resp, err := c.noRedirect.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, fmt.Errorf("log of job %d on %s/%s: %w", jobID, owner, repo, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusFound, http.StatusMovedPermanently, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc, err := resp.Location()
		if err != nil {
			return nil, nil, fmt.Errorf("log of job %d on %s/%s: redirect without a usable Location", jobID, owner, repo)
		}
		return loc, nil, nil
	case http.StatusOK:
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxLogBytes+1))
		if err != nil {
			return nil, nil, fmt.Errorf("log of job %d on %s/%s: read: %w", jobID, owner, repo, err)
		}
		return nil, b, nil
	}
	if err := gh.CheckResponse(resp); err != nil {
		return nil, nil, fmt.Errorf("log of job %d on %s/%s: %w", jobID, owner, repo, err)
	}
	return nil, nil, fmt.Errorf("log of job %d on %s/%s: unexpected status %d", jobID, owner, repo, resp.StatusCode)
}

// fetchLog downloads the end of a log from a signed storage URL and says
// which end of it is missing, if any. Errors
// name the storage host only: the URL's query is a credential.
func (c *Client) fetchLog(ctx context.Context, loc *url.URL) ([]byte, logCut, error) {
	get := func(withRange bool) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("storage request for %s failed", loc.Host)
		}
		if withRange {
			req.Header.Set("Range", "bytes=-"+strconv.Itoa(maxLogBytes))
		}
		resp, err := c.storage.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, fmt.Errorf("fetch from storage host %s: %w", loc.Host, err)
		}
		return resp, nil
	}
	resp, err := get(true)
	if err != nil {
		return nil, cutNone, err
	}
	if resp.StatusCode == http.StatusRequestedRangeNotSatisfiable {
		// An empty log cannot satisfy a suffix range; ask once without one.
		resp.Body.Close()
		if resp, err = get(false); err != nil {
			return nil, cutNone, err
		}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusPartialContent:
	default:
		return nil, cutNone, fmt.Errorf("storage host %s answered HTTP %d", loc.Host, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxLogBytes+1))
	if err != nil {
		return nil, cutNone, fmt.Errorf("read from storage host %s: %w", loc.Host, err)
	}
	return b, cutOf(resp.StatusCode, resp.Header.Get("Content-Range"), len(b)), nil
}

// logCut says which end of a downloaded log is missing.
type logCut int

const (
	cutNone  logCut = iota
	cutStart        // a range request returned the end of a longer log
	cutEnd          // the store ignored the range and the log exceeded the cap
)

// cutOf tells how a body of n bytes (read with a cap of maxLogBytes+1)
// relates to the whole log, given the response's status and Content-Range.
func cutOf(status int, contentRange string, n int) logCut {
	switch {
	case status == http.StatusPartialContent && !strings.HasPrefix(contentRange, "bytes 0-"):
		return cutStart
	case n > maxLogBytes:
		return cutEnd
	}
	return cutNone
}

// tailLines keeps the last n lines of text. An incomplete first (cutStart)
// or last (cutEnd) line is dropped; cutEnd adds a note that the end of the
// log was not read.
func tailLines(text []byte, n int, cut logCut) string {
	if len(text) > maxLogBytes {
		text = text[:maxLogBytes]
	}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	if cut != cutEnd {
		text = bytes.TrimRight(text, "\r\n")
	}
	lines := strings.Split(string(text), "\n")
	switch {
	case cut == cutStart && len(lines) > 1:
		lines = lines[1:]
	case cut == cutEnd && len(lines) > 1:
		lines = append(lines[:len(lines)-1], fmt.Sprintf("[log truncated: only its first %d MiB were read]", maxLogBytes>>20))
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return strings.Join(lines, "\n")
}

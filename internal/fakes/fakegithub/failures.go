package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FailResponse is an injected error response.
type FailResponse struct {
	Status int
	Header http.Header
	// Body is sent verbatim; empty means a GitHub-style JSON message.
	Body string
}

type failRule struct {
	method, prefix string
	remaining      int
	resp           FailResponse
}

func (f FailResponse) write(w http.ResponseWriter) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	body := f.Body
	if body == "" {
		body = fmt.Sprintf(`{"message":%q,"documentation_url":%q,"status":"%d"}`, http.StatusText(f.Status), docsURL, f.Status)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	if _, err := w.Write([]byte(body)); err != nil {
		return // the client went away
	}
}

// FailNext makes the next n requests whose method matches ("" = any) and
// whose path starts with pathPrefix fail with status. 403 and 429 are sent
// as rate-limit answers (x-ratelimit-remaining: 0, a reset one minute ahead,
// and retry-after for 429).
func (s *Server) FailNext(method, pathPrefix string, status int, n int) {
	resp := FailResponse{Status: status}
	if status == http.StatusForbidden || status == http.StatusTooManyRequests {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		if status == http.StatusTooManyRequests {
			h.Set("Retry-After", "60")
		}
		resp.Header = h
		resp.Body = fmt.Sprintf(`{"message":"API rate limit exceeded for installation.","documentation_url":%q,"status":"%d"}`,
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", status)
	}
	s.FailNextResponse(method, pathPrefix, n, resp)
}

// FailNextResponse makes the next n matching requests answer resp.
func (s *Server) FailNextResponse(method, pathPrefix string, n int, resp FailResponse) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.failures = append(s.st.failures, &failRule{method: method, prefix: pathPrefix, remaining: n, resp: resp})
}

package fakecoder

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Outage makes every request whose method matches ("" = any) and whose
// path starts with prefix answer status, as a Coder deployment that is
// down (500) or not ready (409, 502), until End.
type Outage struct {
	method, prefix string
	status         int

	mu       sync.Mutex
	answered []time.Time
	ended    bool
}

// FailWhile starts an outage of the matching requests.
func (s *Server) FailWhile(method, prefix string, status int) *Outage {
	o := &Outage{method: method, prefix: prefix, status: status}
	s.mu.Lock()
	s.outages = append(s.outages, o)
	s.mu.Unlock()
	return o
}

// End lets matching requests through again.
func (o *Outage) End() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ended = true
}

// Answered returns when each request the outage refused came.
func (o *Outage) Answered() []time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]time.Time(nil), o.answered...)
}

// take reports whether the outage refuses r, counting it if so.
func (o *Outage) take(r *http.Request) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ended || (o.method != "" && o.method != r.Method) || !strings.HasPrefix(r.URL.Path, o.prefix) {
		return false
	}
	o.answered = append(o.answered, time.Now())
	return true
}

// refuse answers r from the first outage that takes it, in Coder's error
// shape; it reports whether one did.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	outages := append([]*Outage(nil), s.outages...)
	s.mu.Unlock()
	for _, o := range outages {
		if o.take(r) {
			s.writeError(w, o.status, errorResponse{Message: http.StatusText(o.status) + " (injected by the fake)"})
			return true
		}
	}
	return false
}

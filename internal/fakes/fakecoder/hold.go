package fakecoder

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
)

// HoldCreates makes every later create (task or chat) happen at once but
// keeps its answer until release is called or the client goes away: the
// run exists in Coder while the caller never hears of it, as when a
// worker dies mid-request.
func (s *Server) HoldCreates() (release func()) {
	hold := make(chan struct{})
	s.mu.Lock()
	s.createHold = hold
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.createHold == hold {
			s.createHold = nil
			close(hold)
		}
	}
}

// holdable wraps a create handler so HoldCreates can keep its answer.
func (s *Server) holdable(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		buf := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
		h(buf, r)
		s.mu.Lock()
		hold := s.createHold
		s.mu.Unlock()
		if hold != nil && buf.status < 300 {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		for k, vs := range buf.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(buf.status)
		if _, err := w.Write(buf.body.Bytes()); err != nil {
			s.log.Debug("fakecoder: write held answer", "err", err)
		}
	}
}

// bufferedWriter is an http.ResponseWriter that keeps the answer.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) WriteHeader(code int)        { b.status = code }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }

// Stall keeps every later request whose method and path match (path by
// prefix) from being answered until Release: a Coder call that takes as long
// as the test wants. Held is closed once the first such request waits.
type Stall struct {
	method, prefix string
	held           chan struct{}
	heldOnce       sync.Once
	release        chan struct{}
	releaseOnce    sync.Once
}

// Held is closed when a request is first being held.
func (st *Stall) Held() <-chan struct{} { return st.held }

// Release lets held and later matching requests through.
func (st *Stall) Release() { st.releaseOnce.Do(func() { close(st.release) }) }

// StallRequests installs a Stall for method and path prefix.
func (s *Server) StallRequests(method, pathPrefix string) *Stall {
	st := &Stall{method: method, prefix: pathPrefix, held: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.stalls = append(s.stalls, st)
	s.mu.Unlock()
	return st
}

// waitStalls blocks r while a matching Stall is not released, or until the
// client goes away (false).
func (s *Server) waitStalls(r *http.Request) bool {
	s.mu.Lock()
	stalls := append([]*Stall(nil), s.stalls...)
	s.mu.Unlock()
	for _, st := range stalls {
		if st.method != r.Method || !strings.HasPrefix(r.URL.Path, st.prefix) {
			continue
		}
		st.heldOnce.Do(func() { close(st.held) })
		select {
		case <-st.release:
		case <-r.Context().Done():
			return false
		}
	}
	return true
}

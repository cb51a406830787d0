package fakecoder

import (
	"bytes"
	"net/http"
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

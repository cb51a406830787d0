package fakecoder

import (
	"slices"
	"strings"
	"time"
)

func (s *Server) record(r Request) {
	if s.opts.NoRequestLog {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// Requests returns every request received since New or the last Reset, in
// arrival order, including rejected ones.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Reset forgets the recorded requests, sent inputs, ends and create
// records. Seeded users, templates, tasks and chats stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.sent = map[string][]Message{}
	s.ends = map[string]int{}
	s.endedAt = map[string]time.Time{}
	s.created = nil
}

// Sent returns the inputs a task or chat accepted, in order: task sends
// answered 204, chat messages answered 200 (queued or not).
func (s *Server) Sent(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.sent[id]))
	for i, m := range s.sent[id] {
		out[i] = m.Text
	}
	return out
}

// Messages returns the inputs a task or chat accepted, with whether a chat
// queued each one.
func (s *Server) Messages(id string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent[id])
}

// Ends returns how many times a task was deleted or a chat archived
// (answered 2xx; a chat already archived does not count again).
func (s *Server) Ends(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ends[id]
}

// EndedAt returns when a task was first deleted or a chat first archived.
func (s *Server) EndedAt(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.endedAt[id]
	return at, ok
}

// ended counts an end of id (s.mu held).
func (s *Server) ended(id string) {
	s.ends[id]++
	if _, ok := s.endedAt[id]; !ok {
		s.endedAt[id] = time.Now()
	}
}

// Created returns the tasks created through the API, in order.
func (s *Server) Created() []CreateRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CreateRecord, len(s.created))
	for i, c := range s.created {
		c.Raw = slices.Clone(c.Raw)
		out[i] = c
	}
	return out
}

// NumCreated is len(Created()) without copying the records.
func (s *Server) NumCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.created)
}

// Count returns how many recorded requests have the method (any method when
// empty) and a path starting with pathPrefix.
func (s *Server) Count(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

package fakecoder

import (
	"slices"
	"strings"
)

func (s *Server) record(r Request) {
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

// Reset forgets the recorded requests, sent inputs and create records. Seeded
// users, templates and tasks stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.sent = map[string][]string{}
	s.created = nil
}

// Sent returns the inputs the task accepted (sends answered 204), in order.
func (s *Server) Sent(taskID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent[taskID])
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

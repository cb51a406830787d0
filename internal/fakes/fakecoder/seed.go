package fakecoder

import (
	"crypto/rand"
	"fmt"
)

// AddUser adds a Coder user linked to a GitHub account. Several users may
// share a GitHub id (to exercise ambiguous lookups).
func (s *Server) AddUser(githubID int64, username string) User {
	u := User{
		ID:              newUUID(),
		Username:        username,
		Email:           username + "@example.com",
		GitHubComUserID: githubID,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, u)
	return u
}

// AddTemplate adds a template to an organization (created on first use) with
// a fresh active version holding the presets. A preset without an ID gets
// one. With no presets the presets endpoint answers null, as Coder does.
func (s *Server) AddTemplate(org, name string, presets ...Preset) Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	orgID, ok := s.orgs[org]
	if !ok {
		orgID = newUUID()
		s.orgs[org] = orgID
	}
	t := Template{
		ID:               newUUID(),
		Name:             name,
		OrganizationID:   orgID,
		OrganizationName: org,
		ActiveVersionID:  newUUID(),
	}
	var ps []Preset
	for _, p := range presets {
		if p.ID == "" {
			p.ID = newUUID()
		}
		ps = append(ps, p)
	}
	s.presets[t.ActiveVersionID] = ps
	s.templates = append(s.templates, templateRec{org: org, Template: t})
	return t
}

// SeedDefault seeds what the dev simulator needs: organization "default"
// with templates "task-template" and "code-factory", each with one default
// preset. It adds no users.
func (s *Server) SeedDefault() {
	s.AddTemplate("default", "task-template", Preset{Name: "default", Default: true})
	s.AddTemplate("default", "code-factory", Preset{Name: "default", Default: true})
}

// newUUID returns a random RFC 4122 version 4 UUID.
func newUUID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error (it crashes the program instead).
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

package coder

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotReady is returned (wrapped) by Backend.Send when the task cannot take
// input yet: it is starting, paused, or its agent is busy. Check again later.
var ErrNotReady = errors.New("coder: task is not ready for input")

// ErrPresetNotFound is returned (wrapped) by CreateOrAdopt when a named
// preset does not exist in the template's active version.
var ErrPresetNotFound = errors.New("coder: template preset not found")

// ErrNoTemplate is returned (wrapped) when a run needs a template and none
// is configured.
var ErrNoTemplate = errors.New("no template configured")

// ErrBadSpec is returned (wrapped) for a CreateSpec missing what the
// backend needs (name and owner for a task; owner, prompt and labels for a
// chat).
var ErrBadSpec = errors.New("the run to create is missing its name, owner, prompt or labels")

// ErrInvalidGitHubUser is returned (wrapped) by LookupOwner for a GitHub
// user id that cannot exist (zero or negative: a deleted "ghost" user).
var ErrInvalidGitHubUser = errors.New("invalid GitHub user id")

// ErrTokenRefused is returned (wrapped) when Coder refused a token minted
// for a user (an admin expired it, say). It is worth retrying: the next
// call mints a new token.
var ErrTokenRefused = errors.New("coder: a minted token was refused")

// Validation is one field error in a Coder error response.
type Validation struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Error is a non-2xx answer from Coder.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and Path name the request; Path carries no query string.
	Method string
	Path   string
	// Message and Detail come from Coder's JSON error body. A body that is
	// not a Coder error is put, cut to 512 bytes, in Message.
	Message     string
	Detail      string
	Validations []Validation

	// routeMissing: the server does not have the route at all (a 404 that
	// is not a Coder error about a resource).
	routeMissing bool
}

// Error formats as "coder: POST /api/v2/tasks/alice: 400 Bad Request: message: detail".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "coder: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if len(e.Validations) > 0 {
		b.WriteString(" [")
		for i, v := range e.Validations {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(v.Field + ": " + v.Detail)
		}
		b.WriteString("]")
	}
	return b.String()
}

// IsStatus reports whether err is (or wraps) an *Error with the status code.
func IsStatus(err error, code int) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == code
}

// NoUserError is returned by LookupOwner when the GitHub user is linked to
// no Coder user (Count 0) or to several (Count > 1).
type NoUserError struct {
	GitHubUserID int64
	Count        int
}

// Error describes the failed lookup.
func (e *NoUserError) Error() string {
	if e.Count == 0 {
		return fmt.Sprintf("coder: no Coder user is linked to GitHub user id %d", e.GitHubUserID)
	}
	return fmt.Sprintf("coder: %d Coder users are linked to GitHub user id %d; expected exactly one", e.Count, e.GitHubUserID)
}

package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities/coder"
)

func TestCoderErrorsThatCanNeverSucceedAreNotRetried(t *testing.T) {
	for _, c := range []struct {
		name      string
		err       error
		retryable bool
	}{
		{"preset that does not exist", fmt.Errorf("x: %w", coder.ErrPresetNotFound), false},
		{"no template configured", fmt.Errorf("x: %w", coder.ErrNoTemplate), false},
		{"invalid GitHub user id", fmt.Errorf("x: %w", coder.ErrInvalidGitHubUser), false},
		{"a spec missing its parts", fmt.Errorf("x: %w", coder.ErrBadSpec), false},
		{"400", &coder.Error{StatusCode: http.StatusBadRequest}, false},
		{"403", &coder.Error{StatusCode: http.StatusForbidden}, false},
		{"404", &coder.Error{StatusCode: http.StatusNotFound}, false},
		{"422", &coder.Error{StatusCode: http.StatusUnprocessableEntity}, false},
		{"408", &coder.Error{StatusCode: http.StatusRequestTimeout}, true},
		{"409", &coder.Error{StatusCode: http.StatusConflict}, true},
		{"429", &coder.Error{StatusCode: http.StatusTooManyRequests}, true},
		{"500", &coder.Error{StatusCode: http.StatusInternalServerError}, true},
		{"a refused minted token", fmt.Errorf("%w: %w", coder.ErrTokenRefused, &coder.Error{StatusCode: http.StatusUnauthorized}), true},
		{"a network error", errors.New("dial tcp: connection refused"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := classifyCoder(c.err)
			var ae *temporal.ApplicationError
			nonRetryable := errors.As(err, &ae) && ae.NonRetryable()
			if nonRetryable == c.retryable {
				t.Fatalf("classifyCoder(%v) = %v: retryable %v, want %v", c.err, err, !nonRetryable, c.retryable)
			}
			if !c.retryable && ae.Type() != ErrTypeCoderClient {
				t.Fatalf("type = %q, want %q", ae.Type(), ErrTypeCoderClient)
			}
		})
	}
}

func TestLookupOfAGhostUserIsNotRetried(t *testing.T) {
	b := coder.NewBackends(coder.NewTasksBackend(coder.NewClient("http://127.0.0.1:1", "t", nil), coder.TasksConfig{}))
	a := New(b, nil, DefaultTiming(0), nil)
	_, err := a.LookupCoderUser(context.Background(), 0) // GitHub's "ghost" has no id
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != ErrTypeCoderClient {
		t.Fatalf("err = %v, want a non-retryable %s", err, ErrTypeCoderClient)
	}
}

package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	gh "github.com/google/go-github/v66/github"
	"go.temporal.io/sdk/temporal"
)

// issueErr makes GetIssue fail with an injected status and returns the error.
func issueErr(t *testing.T, e *env, status int) error {
	t.Helper()
	e.fake.SetIssue(owner, repo, 1, "open")
	e.fake.FailNext("GET", "/repos/acme/widgets/issues/1", status, 1)
	_, err := e.client(t).GetIssue(context.Background(), owner, repo, 1)
	if err == nil {
		t.Fatalf("status %d: no error", status)
	}
	return err
}

func TestClassifyHTTPStatuses(t *testing.T) {
	e := newEnv(t)
	for _, status := range []int{400, 401, 404, 422} {
		err := Classify(issueErr(t, e, status))
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != ErrTypeClient || !app.NonRetryable() {
			t.Errorf("%d: %v", status, err)
		}
		noSecrets(t, err.Error())
	}
	for _, status := range []int{408, 409, 500, 502} {
		raw := issueErr(t, e, status)
		err := Classify(raw)
		var app *temporal.ApplicationError
		if errors.As(err, &app) || err != raw {
			t.Errorf("%d: classified as %v, want the error as is", status, err)
		}
	}
}

func TestClassifyRateLimits(t *testing.T) {
	e := newEnv(t)
	for _, status := range []int{403, 429} {
		err := Classify(issueErr(t, e, status))
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != ErrTypeRateLimited || app.NonRetryable() {
			t.Errorf("%d: %v", status, err)
			continue
		}
		if d := app.NextRetryDelay(); d < time.Second || d > 61*time.Second {
			t.Errorf("%d: NextRetryDelay %v, want about a minute", status, d)
		}
	}
}

func TestClassifySynthetic(t *testing.T) {
	if Classify(nil) != nil {
		t.Error("nil")
	}
	req := &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "api.github.com", Path: "/x"}}
	resp := func(status int, h http.Header) *http.Response {
		if h == nil {
			h = http.Header{}
		}
		return &http.Response{StatusCode: status, Header: h, Request: req}
	}
	twoHours := 2 * time.Hour
	cases := []struct {
		name      string
		err       error
		delay     time.Duration // expected NextRetryDelay (0 = not a rate limit)
		tolerance time.Duration
	}{
		{"primary, reset passed", &gh.RateLimitError{Response: resp(403, nil), Rate: gh.Rate{Reset: gh.Timestamp{Time: time.Now().Add(-time.Minute)}}}, time.Second, 0},
		{"primary, reset in 10m", fmt.Errorf("wrapped: %w", &gh.RateLimitError{Response: resp(403, nil), Rate: gh.Rate{Reset: gh.Timestamp{Time: time.Now().Add(10 * time.Minute)}}}), 10 * time.Minute, 5 * time.Second},
		{"secondary, 2h", &gh.AbuseRateLimitError{Response: resp(403, nil), RetryAfter: &twoHours}, time.Hour, 0},
		{"429 without headers", &gh.ErrorResponse{Response: resp(429, nil)}, time.Minute, 0},
		{"403 retry-after", &gh.ErrorResponse{Response: resp(403, http.Header{"Retry-After": {"30"}})}, 30 * time.Second, 0},
		{"graphql rate limited", &GraphQLError{Messages: []string{"slow down"}, Types: []string{"RATE_LIMITED"}}, time.Minute, 0},
	}
	for _, c := range cases {
		var app *temporal.ApplicationError
		if !errors.As(Classify(c.err), &app) || app.Type() != ErrTypeRateLimited || app.NonRetryable() {
			t.Errorf("%s: %v", c.name, Classify(c.err))
			continue
		}
		if d := app.NextRetryDelay(); d < c.delay-c.tolerance || d > c.delay+c.tolerance {
			t.Errorf("%s: delay %v, want %v", c.name, d, c.delay)
		}
	}
	// A plain 403 (no rate-limit headers) is a client error.
	var app *temporal.ApplicationError
	if !errors.As(Classify(&gh.ErrorResponse{Response: resp(403, nil)}), &app) || app.Type() != ErrTypeClient {
		t.Error("plain 403 not a client error")
	}
	// Errors that carry no HTTP answer are retried as is.
	plain := errors.New("connection reset")
	if Classify(plain) != plain {
		t.Error("network error changed")
	}
	// Application errors pass through.
	already := temporal.NewNonRetryableApplicationError("x", "Other", nil)
	if Classify(already) != already {
		t.Error("application error changed")
	}
}

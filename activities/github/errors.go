package github

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v66/github"
	"go.temporal.io/sdk/temporal"
)

// Application error types Classify produces; list ErrTypeClient and
// ErrTypeInvalidArgument in retry policies' NonRetryableErrorTypes if needed
// (they are already marked non-retryable).
const (
	// ErrTypeClient is a 4xx answer that retrying cannot fix (not 408/409/429).
	ErrTypeClient = "GitHubClientError"
	// ErrTypeRateLimited is a primary or secondary rate limit; the error
	// carries NextRetryDelay until the limit resets.
	ErrTypeRateLimited = "GitHubRateLimited"
	// ErrTypeInvalidArgument is a call that can never succeed as made.
	ErrTypeInvalidArgument = "GitHubInvalidArgument"
)

// Bounds of the retry delay of a rate-limited call.
const (
	minRateLimitDelay     = time.Second
	maxRateLimitDelay     = time.Hour
	defaultRateLimitDelay = time.Minute
)

// Classify turns an error from this package into what a Temporal activity
// should return: 4xx answers other than 408, 409 and 429 become
// non-retryable ErrTypeClient errors; rate limits become retryable
// ErrTypeRateLimited errors that wait until the reset (1s to 1h); anything
// else (5xx, network, timeouts) is returned as is, so it is retried.
// Application errors pass through unchanged, and nil stays nil.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return err
	}
	if errors.Is(err, ErrInvalidArgument) {
		return temporal.NewNonRetryableApplicationError("github: invalid argument", ErrTypeInvalidArgument, err)
	}
	if delay, ok := rateLimitDelay(err); ok {
		return temporal.NewApplicationErrorWithOptions("github: rate limited", ErrTypeRateLimited, temporal.ApplicationErrorOptions{
			Cause:          err,
			NextRetryDelay: clampDelay(delay),
		})
	}
	var ge *GraphQLError
	if errors.As(err, &ge) && ge.allTypes("NOT_FOUND") {
		return temporal.NewNonRetryableApplicationError("github: graphql: not found", ErrTypeClient, err)
	}
	if status := httpStatus(err); status >= 400 && status < 500 &&
		status != http.StatusRequestTimeout && status != http.StatusConflict && status != http.StatusTooManyRequests {
		return temporal.NewNonRetryableApplicationError("github: client error (HTTP "+strconv.Itoa(status)+")", ErrTypeClient, err)
	}
	return err
}

// httpStatus digs the HTTP answer's status out of err (0 if none).
func httpStatus(err error) int {
	if resp := httpResponse(err); resp != nil {
		return resp.StatusCode
	}
	return 0
}

// httpResponse returns the GitHub answer an error came from, if any.
func httpResponse(err error) *http.Response {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return rl.Response
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		return ab.Response
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Response
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) {
		return he.Response
	}
	return nil
}

// rateLimitDelay reports whether err is a rate limit and how long to wait.
func rateLimitDelay(err error) (time.Duration, bool) {
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		if !rl.Rate.Reset.IsZero() {
			return time.Until(rl.Rate.Reset.Time), true
		}
		return defaultRateLimitDelay, true
	}
	var ab *gh.AbuseRateLimitError
	if errors.As(err, &ab) {
		if ab.RetryAfter != nil {
			return *ab.RetryAfter, true
		}
		return defaultRateLimitDelay, true
	}
	var ge *GraphQLError
	if errors.As(err, &ge) && ge.hasType("RATE_LIMITED") {
		return defaultRateLimitDelay, true
	}
	resp := httpResponse(err)
	if resp == nil {
		return 0, false
	}
	status := resp.StatusCode
	if status != http.StatusForbidden && status != http.StatusTooManyRequests {
		return 0, false
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if secs, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			return time.Duration(secs) * time.Second, true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, perr := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); perr == nil {
			return time.Until(time.Unix(reset, 0)), true
		}
		return defaultRateLimitDelay, true
	}
	if status == http.StatusTooManyRequests {
		return defaultRateLimitDelay, true
	}
	return 0, false
}

func clampDelay(d time.Duration) time.Duration {
	return min(max(d, minRateLimitDelay), maxRateLimitDelay)
}

package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

// coderOutage is how long Coder stays down in the outage test.
const coderOutage = 30 * time.Second

// Coder answering 500 to everything for 30 s and then recovering: each
// comment accepted during the outage reaches the agent once, in order,
// after it, and nobody is told of an error. Both APIs run at once.
func TestE2ECoderDownThirtySecondsThenRecovers(t *testing.T) {
	for _, api := range apis {
		t.Run(string(api), func(t *testing.T) {
			t.Parallel()
			s := newStack(t, onAPI(api))
			s.seed()
			runID := s.assign()
			outage := s.world.Coder.FailWhile("", "/api/", http.StatusInternalServerError)
			over := time.After(coderOutage)
			for i := range 3 {
				s.mustPost(http.StatusAccepted, "issue_comment", commentBody(int64(880+i), alice, "during the outage "+strconv.Itoa(i)), "d-outage-"+strconv.Itoa(i))
			}
			<-over // the length of the outage, not a synchronisation
			outage.End()
			refused := len(outage.Answered())
			eventually(t, "the three comments at Coder", func() bool { return s.blocks(runID) == 3 })
			sent := strings.Join(s.world.Coder.Sent(runID), "\n")
			for i := range 3 {
				if n := strings.Count(sent, "during the outage "+strconv.Itoa(i)); n != 1 {
					t.Errorf("comment %d reached Coder %d times, want once", i, n)
				}
			}
			if a, b := strings.Index(sent, "outage 0"), strings.Index(sent, "outage 2"); a > b {
				t.Errorf("comments out of order: %q", sent)
			}
			if refused < 2 {
				t.Errorf("Coder refused %d requests during the outage; the delivery was never retried", refused)
			}
			if got := s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, e2eIssue); len(got) != 1 {
				t.Errorf("issue has %d comments, want only the status comment: %+v", len(got), got)
			}
			if st := s.statusText(); !strings.HasPrefix(st, "Task is running") || strings.Contains(st, "not delivered") {
				t.Errorf("status after the outage: %q", st)
			}
		})
	}
}

// Coder answering 409 or 502 to a send means the agent is not ready: the
// input waits for it, is delivered once, and nobody is told of an error.
func TestE2ECoderNotReadyInputWaits(t *testing.T) {
	for _, c := range []struct {
		api    fakecoder.API
		status int
		path   string
	}{
		{fakecoder.APITasks, http.StatusConflict, "/api/v2/tasks/"},
		{fakecoder.APITasks, http.StatusBadGateway, "/api/v2/tasks/"},
		{fakecoder.APIChats, http.StatusConflict, "/api/v2/chats/"},
		{fakecoder.APIChats, http.StatusBadGateway, "/api/v2/chats/"},
	} {
		t.Run(string(c.api)+"-"+strconv.Itoa(c.status), func(t *testing.T) {
			s := newStack(t, onAPI(c.api))
			s.seed()
			runID := s.assign()
			busy := s.world.Coder.FailWhile("POST", c.path, c.status)
			s.mustPost(http.StatusAccepted, "issue_comment", commentBody(890, alice, "when you are ready"), "d-not-ready")
			eventually(t, "Coder to refuse the send twice", func() bool { return len(busy.Answered()) >= 2 })
			if got := s.world.Coder.Sent(runID); len(got) != 0 {
				t.Fatalf("input accepted while Coder refused it: %q", got)
			}
			busy.End()
			eventually(t, "the comment at Coder", func() bool { return s.blocks(runID) == 1 })
			if got := s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, e2eIssue); len(got) != 1 {
				t.Errorf("issue has %d comments, want only the status comment", len(got))
			}
			if st := s.statusText(); strings.Contains(st, "not delivered") {
				t.Errorf("status says the input was not delivered: %q", st)
			}
		})
	}
}

// rateLimited is GitHub's answer to a call over its rate limit: 403 with
// x-ratelimit-remaining 0 and the reset time, or 429 with retry-after.
func rateLimited(status int, reset time.Time, retryAfter int) fakegithub.FailResponse {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Used", "5000")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	body := `{"message":"API rate limit exceeded for installation.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`
	if status == http.StatusTooManyRequests {
		h = http.Header{}
		h.Set("Retry-After", strconv.Itoa(retryAfter))
		body = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	}
	return fakegithub.FailResponse{Status: status, Header: h, Body: body}
}

// A status comment GitHub refuses over its rate limit is written again
// after the reset (403) or the retry-after (429), not before, and once.
func TestE2EGitHubRateLimitRetriedAfterReset(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			s := newStack(t)
			s.seed()
			path := "/repos/acme/widgets/issues/42/comments"
			// The reset is a whole second at least 2 s away.
			reset := time.Now().Add(3 * time.Second).Truncate(time.Second)
			s.world.GitHub.FailNextResponse("POST", path, 1, rateLimited(status, reset, 2))
			s.assign()
			var posts []fakegithub.Request
			for _, r := range s.world.GitHub.Requests() {
				if r.Method == "POST" && r.Path == path {
					posts = append(posts, r)
				}
			}
			if len(posts) != 2 {
				t.Fatalf("status comment posted %d times, want the refused one and one retry", len(posts))
			}
			notBefore := reset
			if status == http.StatusTooManyRequests {
				notBefore = posts[0].At.Add(2 * time.Second)
			}
			if posts[1].At.Before(notBefore) {
				t.Errorf("retried at %s, before GitHub allowed it (%s)", posts[1].At.Format(time.StampMilli), notBefore.Format(time.StampMilli))
			}
			if got := s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, e2eIssue); len(got) != 1 || !strings.HasPrefix(got[0].Body, activities.StatusCommentMarker) {
				t.Errorf("issue comments after the rate limit: %+v", got)
			}
		})
	}
}

//go:build !prod

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// The load tool's world: issues of acme/widgets (and acme/widgets-N)
// assigned by octo-maintainer to the agent.
var (
	benchAgent    = payloads.User{Login: "code-factory-agent", ID: 9001}
	benchAssigner = payloads.User{Login: "octo-maintainer", ID: 1001}
)

// benchDelivery is one webhook delivery to post.
type benchDelivery struct {
	event, id string
	body      []byte
}

// benchResult is what a batch of posts got.
type benchResult struct {
	elapsed  time.Duration
	statuses map[int]int
	errors   int
	latency  []time.Duration
	// sent and answered are each post's send and answer times, by index.
	sent, answered []time.Time
}

// benchClient posts deliveries over kept-alive loopback connections.
func benchClient(c int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: c * 2, MaxIdleConnsPerHost: c * 2, IdleConnTimeout: time.Minute}}
}

// post signs a delivery like GitHub does and posts it; it returns the
// status (0 on a transport error).
func post(ctx context.Context, hc *http.Client, url string, secret []byte, d benchDelivery) int {
	req, err := signedDelivery(ctx, url, d.event, d.id, secret, d.body)
	if err != nil {
		return 0
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0
	}
	return resp.StatusCode
}

// fire posts every delivery with c in flight at a time, in index order of
// taking, and records each one's latency and status.
func fire(ctx context.Context, url string, secret []byte, ds []benchDelivery, c int) benchResult {
	hc := benchClient(c)
	defer hc.CloseIdleConnections()
	return drive(ctx, len(ds), c, func(i int) int { return post(ctx, hc, url, secret, ds[i]) })
}

// drive runs do(0..n-1) with c in flight at a time, in index order of
// taking, and records each call's latency and status (0: it failed).
func drive(ctx context.Context, n, c int, do func(i int) int) benchResult {
	r := benchResult{statuses: map[int]int{}, latency: make([]time.Duration, n), sent: make([]time.Time, n), answered: make([]time.Time, n)}
	codes := make([]int, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range max(c, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				r.sent[i] = time.Now()
				codes[i] = do(i)
				r.answered[i] = time.Now()
				r.latency[i] = r.answered[i].Sub(r.sent[i])
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	for _, code := range codes {
		if code == 0 {
			r.errors++
			continue
		}
		r.statuses[code]++
	}
	return r
}

// rate is requests per second.
func (r benchResult) rate() float64 { return float64(len(r.latency)) / r.elapsed.Seconds() }

// report prints requests, req/s, statuses and latency percentiles.
func (r benchResult) report(out io.Writer, label string) {
	var codes []string
	keys := make([]int, 0, len(r.statuses))
	for k := range r.statuses {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		codes = append(codes, fmt.Sprintf("%d×%d", k, r.statuses[k]))
	}
	if r.errors > 0 {
		codes = append(codes, fmt.Sprintf("errors×%d", r.errors))
	}
	fmt.Fprintf(out, "%s: %d requests in %s, %.0f req/s, statuses %s, latency %s\n",
		label, len(r.latency), r.elapsed.Round(time.Millisecond), r.rate(), strings.Join(codes, " "), percentiles(r.latency))
}

// ok reports whether every post got want.
func (r benchResult) ok(want int) error {
	if r.errors > 0 || r.statuses[want] != len(r.latency) {
		return fmt.Errorf("not every delivery answered %d: %v (%d transport errors)", want, r.statuses, r.errors)
	}
	return nil
}

// percentiles formats p50/p90/p99/max of samples (nearest rank).
func percentiles(samples []time.Duration) string {
	if len(samples) == 0 {
		return "no samples"
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	at := func(p float64) string {
		i := int(p*float64(len(s))+0.5) - 1
		return ms(s[min(max(i, 0), len(s)-1)])
	}
	return fmt.Sprintf("p50 %s p90 %s p99 %s max %s (n=%d)", at(0.50), at(0.90), at(0.99), ms(s[len(s)-1]), len(s))
}

// percentile is one percentile of samples (nearest rank).
func percentile(samples []time.Duration, p float64) time.Duration {
	s := slices.Clone(samples)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(max(int(p*float64(len(s))+0.5)-1, 0), len(s)-1)]
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// benchRepo is the i-th repository of a run spread over n.
func benchRepo(i, n int) payloads.Repo {
	if n <= 1 || i%n == 0 {
		return payloads.Repo{Owner: "acme", Name: "widgets", ID: 4242}
	}
	return payloads.Repo{Owner: "acme", Name: fmt.Sprintf("widgets-%d", i%n), ID: int64(5000 + i%n)}
}

// benchIssue is issue n as the deliveries show it.
func benchIssue(n int, state string) payloads.Issue {
	return payloads.Issue{Number: n, Title: fmt.Sprintf("Load issue %d", n), Author: benchAssigner, State: state, Assignees: []payloads.User{benchAgent}}
}

// assignDelivery assigns issue n of r to the agent (the fake GitHub is
// told the issue is open and assigned).
func (st *benchStack) assignDelivery(r payloads.Repo, n int) benchDelivery {
	st.world.GitHub.SetIssue(r.Owner, r.Name, n, "open", benchAgent.Login)
	return benchDelivery{event: "issues", id: fmt.Sprintf("assign-%s-%d", r.Name, n), body: payloads.Issues("assigned", r, benchIssue(n, "open"), benchAssigner, benchAgent)}
}

// closeDelivery closes issue n of r.
func (st *benchStack) closeDelivery(r payloads.Repo, n int) benchDelivery {
	st.world.GitHub.SetIssue(r.Owner, r.Name, n, "closed", benchAgent.Login)
	return benchDelivery{event: "issues", id: fmt.Sprintf("close-%s-%d", r.Name, n), body: payloads.Issues("closed", r, benchIssue(n, "closed"), benchAssigner, payloads.User{})}
}

// commentDelivery is comment id on issue n of r by the assigner.
func commentDelivery(r payloads.Repo, n int, id int64, text string) benchDelivery {
	c := payloads.Comment{ID: id, Body: text, Author: benchAssigner}
	return benchDelivery{event: "issue_comment", id: fmt.Sprintf("comment-%d", id), body: payloads.IssueComment("created", r, benchIssue(n, "open"), c)}
}

// running reports whether issue n's status comment says its run works.
func (st *benchStack) running(r payloads.Repo, n int) bool {
	for _, c := range st.world.GitHub.Comments(r.Owner, r.Name, n) {
		if rest, ok := strings.CutPrefix(c.Body, activities.StatusCommentMarker+"\n"); ok {
			return strings.HasPrefix(rest, "Task is running")
		}
	}
	return false
}

// until polls cond every millisecond until it holds or ctx ends.
func until(ctx context.Context, what string, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting for %s: %w", what, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// runsByIssue is every Coder run made so far, keyed by runKey: a chat by
// its labels, a task by its name.
func (st *benchStack) runsByIssue() map[string]createdRun {
	out := map[string]createdRun{}
	for _, c := range st.world.Coder.Created() {
		key := "chat " + c.Labels["code-factory/repo"] + "#" + c.Labels["code-factory/issue"]
		if c.Kind != fakecoder.KindChat {
			key = "task " + c.Name
		}
		out[key] = createdRun{id: c.ID, at: c.At}
	}
	return out
}

// runKey is issue n of r's key in runsByIssue.
func (st *benchStack) runKey(r payloads.Repo, n int) string {
	if st.api != fakecoder.APITasks {
		return fmt.Sprintf("chat %s#%d", r.FullName(), n)
	}
	name, err := workflows.TaskName(st.cfg.CoderTaskNamePrefix, r.Name, n)
	if err != nil {
		return "task ?"
	}
	return "task " + name
}

// createdRun is a run the fake Coder created, and when.
type createdRun struct {
	id string
	at time.Time
}

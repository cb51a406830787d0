//go:build !prod

package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/code-factory/code-factory/internal/payloads"
	"github.com/code-factory/code-factory/workflows"
)

// benchScenario is one load scenario of `code-factory bench`.
type benchScenario struct {
	about string
	run   func(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error
	// extra scenarios run only when named.
	extra bool
}

// benchScenarios are the load tool's scenarios by name.
func benchScenarios() map[string]*benchScenario {
	return map[string]*benchScenario{
		"skip":     {about: "deliveries the ingress skips (the agent's own comment), against a null receiver (HMAC and JSON decode, 200) under the same tool", run: benchSkip},
		"send":     {about: "comment → Coder send, the run idle, one at a time", run: benchSend},
		"close":    {about: "close → Coder delete (or archive), one at a time and ten at once", run: benchClose},
		"flood":    {about: "comments posted at c on one busy issue, then the agent idles: all reach Coder, in order, once each", run: benchFlood},
		"assign":   {about: "new assignments at c: the 202, and the lag from it to the run's create at Coder", run: benchAssign},
		"temporal": {about: "Temporal's own ceiling on this server: workflows started straight at the client, bare and in an issue run's shape", run: benchTemporal},
		"scale":    {about: "-n (10000) open issues on one server: create times, RSS, SQLite size, then comment → send", run: benchScale, extra: true},
	}
}

// benchScenarioNames are the scenario names, sorted.
func benchScenarioNames() []string {
	var out []string
	for n := range benchScenarios() {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// benchDefaultScenarios are what a bare `code-factory bench` runs.
func benchDefaultScenarios() []string {
	return []string{"skip", "send", "close", "flood", "assign", "temporal"}
}

// orDefault is n, or def when n is 0.
func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// benchSkip compares the ingress's skip path with a null receiver, two
// rounds each, alternately.
func benchSkip(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	n := orDefault(o.n, 20000)
	r := benchRepo(0, 1)
	ds := make([]benchDelivery, n)
	for i := range ds {
		c := payloads.Comment{ID: int64(1 + i), Body: "done, see the PR", Author: benchAgent}
		ds[i] = benchDelivery{event: "issue_comment", id: fmt.Sprintf("skip-%d", i), body: payloads.IssueComment("created", r, benchIssue(1, "open"), c)}
	}
	null, stop, err := startNullReceiver([]byte(benchSecret))
	if err != nil {
		return err
	}
	defer stop()
	secret := []byte(benchSecret)
	fire(ctx, null, secret, ds[:min(n, 1000)], o.c) // warm both up
	fire(ctx, st.hook, secret, ds[:min(n, 1000)], o.c)
	var nulls, skips []benchResult
	for round := range 2 {
		rn := fire(ctx, null, secret, ds, o.c)
		rn.report(out, fmt.Sprintf("null receiver, round %d, c=%d", round+1, o.c))
		rs := fire(ctx, st.hook, secret, ds, o.c)
		rs.report(out, fmt.Sprintf("ingress skip, round %d, c=%d", round+1, o.c))
		if err := rs.ok(http.StatusOK); err != nil {
			return err
		}
		nulls, skips = append(nulls, rn), append(skips, rs)
	}
	var nr, sr float64
	var np, sp time.Duration
	for i := range nulls {
		nr, sr = nr+nulls[i].rate(), sr+skips[i].rate()
		np, sp = np+percentile(nulls[i].latency, 0.99), sp+percentile(skips[i].latency, 0.99)
	}
	fmt.Fprintf(out, "skip throughput is %.0f%% of the null receiver's; its p99 is %.2f× the null receiver's\n", 100*sr/nr, float64(sp)/float64(np))
	return nil
}

// startNullReceiver serves a receiver that only checks the signature and
// decodes the JSON before answering 200.
func startNullReceiver(secret []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 25<<20))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Hub-Signature-256"))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			http.Error(w, "malformed JSON", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"outcome":"skipped"}`))
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }, nil
}

// startRun assigns issue n of r and waits until its run works; it returns
// the run's id.
func (st *benchStack) startRun(ctx context.Context, r payloads.Repo, n int) (string, error) {
	hc := benchClient(1)
	if code := post(ctx, hc, st.hook, []byte(benchSecret), st.assignDelivery(r, n)); code != http.StatusAccepted {
		return "", fmt.Errorf("assignment of #%d answered %d", n, code)
	}
	key := st.runKey(r, n)
	var id string
	err := until(ctx, fmt.Sprintf("#%d's run", n), func() bool {
		id = st.runsByIssue()[key].id
		return id != "" && st.running(r, n)
	})
	return id, err
}

// benchSend posts comments one at a time to an idle run and reports the
// time from each post to Coder receiving the input.
func benchSend(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	r := benchRepo(0, 1)
	id, err := st.startRun(ctx, r, 1)
	if err != nil {
		return err
	}
	samples, err := st.sendSamples(ctx, []payloads.Repo{r}, []int{1}, []string{id}, orDefault(o.n, 200))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "comment → Coder send, idle run, one at a time: %s\n", percentiles(samples))
	if o.hops {
		m := st.world.Coder.Messages(id)
		last := m[len(m)-1].At
		return st.printHops(ctx, out, "comment", r, 1, last.Add(-samples[len(samples)-1]), last)
	}
	return nil
}

// sendSamples posts n comments one at a time, round robin over the runs,
// and measures each from its post to Coder receiving it.
func (st *benchStack) sendSamples(ctx context.Context, repos []payloads.Repo, issues []int, ids []string, n int) ([]time.Duration, error) {
	hc := benchClient(1)
	var samples []time.Duration
	for i := range n {
		k := i % len(ids)
		before := len(st.world.Coder.Messages(ids[k]))
		start := time.Now()
		if code := post(ctx, hc, st.hook, []byte(benchSecret), commentDelivery(repos[k], issues[k], int64(7000000+i), fmt.Sprintf("send %d", i))); code != http.StatusAccepted {
			return nil, fmt.Errorf("comment %d answered %d", i, code)
		}
		var at time.Time
		if err := until(ctx, fmt.Sprintf("comment %d at Coder", i), func() bool {
			m := st.world.Coder.Messages(ids[k])
			if len(m) > before {
				at = m[before].At
				return true
			}
			return false
		}); err != nil {
			return nil, err
		}
		samples = append(samples, at.Sub(start))
		// Let the workflow settle back to waiting, as between real comments.
		time.Sleep(20 * time.Millisecond)
	}
	return samples, nil
}

// benchClose closes issues with a working run and reports the time from
// the close's post to Coder's delete (or archive): one at a time, then in
// rounds of ten at once.
func benchClose(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	n := orDefault(o.n, 100)
	r := benchRepo(0, 1)
	secret := []byte(benchSecret)
	var one []time.Duration
	for i := range n {
		id, err := st.startRun(ctx, r, 100+i)
		if err != nil {
			return err
		}
		res := fire(ctx, st.hook, secret, []benchDelivery{st.closeDelivery(r, 100+i)}, 1)
		if err := res.ok(http.StatusAccepted); err != nil {
			return err
		}
		at, err := st.endedAt(ctx, id)
		if err != nil {
			return err
		}
		one = append(one, at.Sub(res.sent[0]))
		if o.hops && i == n-1 {
			if err := st.printHops(ctx, out, "close", r, 100+i, res.sent[0], at); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(out, "close → Coder delete, one at a time: %s\n", percentiles(one))
	var ten []time.Duration
	for round := range max(n/10, 1) {
		var ids []string
		var closes []benchDelivery
		for j := range 10 {
			num := 1000 + round*10 + j
			id, err := st.startRun(ctx, r, num)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			closes = append(closes, st.closeDelivery(r, num))
		}
		res := fire(ctx, st.hook, secret, closes, 10)
		if err := res.ok(http.StatusAccepted); err != nil {
			return err
		}
		for j, id := range ids {
			at, err := st.endedAt(ctx, id)
			if err != nil {
				return err
			}
			ten = append(ten, at.Sub(res.sent[j]))
		}
	}
	fmt.Fprintf(out, "close → Coder delete, ten at once: %s\n", percentiles(ten))
	return nil
}

// endedAt waits for run id's end at Coder.
func (st *benchStack) endedAt(ctx context.Context, id string) (time.Time, error) {
	var at time.Time
	err := until(ctx, "the end of "+id, func() bool {
		var ok bool
		at, ok = st.world.Coder.EndedAt(id)
		return ok
	})
	return at, err
}

// lastAnswer is the latest answer time of a batch.
func lastAnswer(r benchResult) time.Time {
	var last time.Time
	for _, t := range r.answered {
		if t.After(last) {
			last = t
		}
	}
	return last
}

// firstSent is the earliest send time of a batch.
func firstSent(r benchResult) time.Time {
	first := r.sent[0]
	for _, t := range r.sent {
		if t.Before(first) {
			first = t
		}
	}
	return first
}

// printHops prints the history events of issue n's workflow from since on,
// each with its offset from since: the hops one input takes (signal
// persisted, workflow task scheduled, started, completed, activity
// scheduled, started, completed) next to the fake's receive time.
func (st *benchStack) printHops(ctx context.Context, out io.Writer, what string, r payloads.Repo, n int, since, atCoder time.Time) error {
	c, err := st.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	id := workflows.IssueWorkflowID(st.cfg.CoderTaskNamePrefix, r.Owner, r.Name, n)
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	fmt.Fprintf(out, "hops of the last %s (offsets from its post):\n", what)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return err
		}
		at := ev.GetEventTime().AsTime()
		if at.Before(since) {
			continue
		}
		fmt.Fprintf(out, "  %7s %s\n", ms(at.Sub(since)), strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_"))
	}
	fmt.Fprintf(out, "  %7s received by the fake Coder\n", ms(atCoder.Sub(since)))
	return nil
}

//go:build !prod

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/code-factory/code-factory/internal/payloads"
)

// floodMark is how a flood comment's body is found in Coder's inputs.
var floodMark = regexp.MustCompile(`flood-(\d+)\.`)

// benchFlood posts -n (2500) comments at c on one issue whose agent is
// busy, then lets the agent idle, and checks every comment reaches Coder
// once, in the order their 202s allow, and how long after the last 202.
func benchFlood(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	n := orDefault(o.n, 2500)
	r := benchRepo(0, 1)
	id, err := st.startRun(ctx, r, 1)
	if err != nil {
		return err
	}
	if err := st.world.Coder.SetWorking(id); err != nil {
		return err
	}
	if err := st.world.Coder.Hold(id); err != nil {
		return err
	}
	ds := make([]benchDelivery, n)
	for i := range ds {
		ds[i] = commentDelivery(r, 1, int64(5000000+i), fmt.Sprintf("flood-%d.", i))
	}
	res := fire(ctx, st.hook, []byte(benchSecret), ds, o.c)
	res.report(out, fmt.Sprintf("flood of comments on one busy issue, c=%d", o.c))
	if err := res.ok(http.StatusAccepted); err != nil {
		return err
	}
	last := lastAnswer(res)
	if err := st.world.Coder.Release(id); err != nil {
		return err
	}
	if err := st.world.Coder.SetIdle(id); err != nil {
		return err
	}
	var order []int
	err = until(ctx, "every flood comment at Coder", func() bool {
		order = floodOrder(st.world.Coder.Sent(id))
		return len(order) >= n
	})
	done := time.Now()
	if err != nil {
		return fmt.Errorf("%w (%d of %d arrived)", err, len(order), n)
	}
	dups, inversions := checkFloodOrder(order, res)
	fmt.Fprintf(out, "all %d at Coder %s after the last 202 (%d inputs); duplicates %d, order inversions %d\n",
		n, done.Sub(last).Round(time.Millisecond), len(st.world.Coder.Sent(id)), dups, inversions)
	if dups > 0 || inversions > 0 || len(order) != n {
		return fmt.Errorf("the flood was not delivered once each in order")
	}
	return nil
}

// floodOrder lists the flood comments in the order Coder received them.
func floodOrder(inputs []string) []int {
	var out []int
	for _, in := range inputs {
		for _, m := range floodMark.FindAllStringSubmatch(in, -1) {
			if i, err := strconv.Atoi(m[1]); err == nil {
				out = append(out, i)
			}
		}
	}
	return out
}

// checkFloodOrder counts comments seen more than once, and pairs in the
// wrong order: comment a answered before b was sent, yet b reached Coder
// first.
func checkFloodOrder(order []int, res benchResult) (dups, inversions int) {
	seen := map[int]bool{}
	var uniq []int
	for _, i := range order {
		if seen[i] {
			dups++
			continue
		}
		seen[i] = true
		uniq = append(uniq, i)
	}
	for x := range uniq {
		for y := x + 1; y < len(uniq); y++ {
			a, b := uniq[y], uniq[x] // b reached Coder before a
			if res.answered[a].Before(res.sent[b]) {
				inversions++
			}
		}
	}
	return dups, inversions
}

// assignRun is a batch of assignments and when each run was created.
type assignRun struct {
	res     benchResult
	lags    []time.Duration
	repos   []payloads.Repo
	issues  []int
	ids     []string
	elapsed time.Duration // first post → last create
}

// assignMany posts n assignments at c spread over repos repositories (each
// allowed enough task slots), and waits for every run's create at Coder.
func (st *benchStack) assignMany(ctx context.Context, n, c, repos int, out io.Writer) (*assignRun, error) {
	repos = max(min(repos, n), 1)
	perRepo := (n + repos - 1) / repos
	for i := range repos {
		r := benchRepo(i, repos)
		if perRepo > 10 {
			cfg := fmt.Sprintf("[limits]\nmax_concurrent_tasks = %d\n", min(perRepo, 1000))
			st.world.GitHub.SetFile(r.Owner, r.Name, "", ".code-factory/config.toml", []byte(cfg))
		}
	}
	run := &assignRun{}
	ds := make([]benchDelivery, n)
	for i := range ds {
		r := benchRepo(i, repos)
		run.repos, run.issues = append(run.repos, r), append(run.issues, 1+i)
		ds[i] = st.assignDelivery(r, 1+i)
	}
	run.res = fire(ctx, st.hook, []byte(benchSecret), ds, c)
	run.res.report(out, fmt.Sprintf("new assignments over %d repositories, c=%d", repos, c))
	if err := run.res.ok(http.StatusAccepted); err != nil {
		return nil, err
	}
	var runs map[string]createdRun
	lastCount := 0
	// Count first: copying every record each poll would load the run it
	// measures.
	err := until(ctx, "every run created", func() bool {
		count := st.world.Coder.NumCreated()
		if count/1000 > lastCount/1000 {
			fmt.Fprintf(out, "  %d runs created after %s; %s\n", count, time.Since(firstSent(run.res)).Round(time.Second), st.footprint())
		}
		lastCount = count
		if count >= n {
			if runs = st.runsByIssue(); len(runs) >= n {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
		return false
	})
	if err != nil {
		runs = st.runsByIssue()
		fmt.Fprintf(out, "gave up with %d of %d runs created after %s; %s\n", len(runs), n, time.Since(firstSent(run.res)).Round(time.Second), st.footprint())
		return nil, fmt.Errorf("%w (%d of %d created)", err, len(runs), n)
	}
	var lastCreate time.Time
	for i := range n {
		cr := runs[st.runKey(run.repos[i], run.issues[i])]
		run.ids = append(run.ids, cr.id)
		run.lags = append(run.lags, cr.at.Sub(run.res.answered[i]))
		if cr.at.After(lastCreate) {
			lastCreate = cr.at
		}
	}
	run.elapsed = lastCreate.Sub(firstSent(run.res))
	over := 0
	for _, l := range run.lags {
		if l > 2*time.Second {
			over++
		}
	}
	fmt.Fprintf(out, "202 → create at Coder: %s; %d of %d over 2 s\n", percentiles(run.lags), over, n)
	fmt.Fprintf(out, "first assignment → last create: %s (%.1f creates/s)\n", run.elapsed.Round(time.Millisecond), float64(n)/run.elapsed.Seconds())
	return run, nil
}

// footprint is the process's memory and the database's size.
func (st *benchStack) footprint() string {
	now, peak := rssMiB()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("RSS %.0f MiB (peak %.0f MiB; one process: server, UI, worker, ingress, fakes and this tool; Go heap in use %.0f MiB, stacks %.0f MiB, %d goroutines), SQLite %.0f MiB",
		now, peak, float64(m.HeapInuse)/(1<<20), float64(m.StackInuse)/(1<<20), runtime.NumGoroutine(), float64(st.dbSize())/(1<<20))
}

// benchAssign posts -n (1000) new assignments at c.
func benchAssign(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	run, err := st.assignMany(ctx, orDefault(o.n, 1000), o.c, o.repos, out)
	if err != nil || !o.hops {
		return err
	}
	last := len(run.ids) - 1
	created := st.runsByIssue()[st.runKey(run.repos[last], run.issues[last])].at
	return st.printHops(ctx, out, "assignment", run.repos[last], run.issues[last], run.res.sent[last], created)
}

// benchScale opens -n (10000) issues on one server, reports memory and the
// database's size, then measures comment → send on some of them.
func benchScale(ctx context.Context, st *benchStack, o benchOptions, out io.Writer) error {
	n := orDefault(o.n, 10000)
	run, err := st.assignMany(ctx, n, o.c, o.repos, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "with %d open issue workflows: %s\n", n, st.footprint())
	k := min(100, n)
	var repos []payloads.Repo
	var issues []int
	var ids []string
	for j := range k {
		i := j * (n / k)
		repos, issues, ids = append(repos, run.repos[i]), append(issues, run.issues[i]), append(ids, run.ids[i])
	}
	for i, id := range ids {
		if err := until(ctx, "a sampled run to work", func() bool { return st.running(repos[i], issues[i]) }); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	samples, err := st.sendSamples(ctx, repos, issues, ids, 2*k)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "comment → Coder send afterwards, %d issues one at a time: %s\n", k, percentiles(samples))
	return nil
}

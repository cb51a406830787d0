// Command cluster-test proves the production shape on one machine: a
// Temporal server on PostgreSQL, one `code-factory ingress` and two
// `code-factory worker` processes, and the in-repo GitHub and Coder fakes
// (in this process). It drives one issue's lifecycle (assign, three
// comments, a CI failure, close), kills a worker with SIGKILL while an
// input waits, restarts the Temporal server mid-lifecycle (the ingress
// answers 503 and the reconciler redelivers), checks that nothing was lost
// or done twice, prints its figures and stops everything it started.
//
// scripts/cluster-test sets up PostgreSQL and runs it:
//
//	cluster-test --bin ./code-factory --postgres 127.0.0.1:PORT
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

func main() {
	bin := flag.String("bin", "./code-factory", "the code-factory binary (default build: it has temporal-server)")
	pg := flag.String("postgres", "", "PostgreSQL host:port (user temporal, trust or TEMPORAL_PG_PASSWORD)")
	flag.Parse()
	if *pg == "" {
		fmt.Fprintln(os.Stderr, "cluster-test: --postgres is required")
		os.Exit(2)
	}
	c := &cluster{bin: *bin, pg: *pg, start: time.Now(), figures: map[string]time.Duration{}}
	err := c.run()
	c.stopAll()
	c.report(err)
	if err != nil {
		os.Exit(1)
	}
}

const (
	agent    = "code-factory-agent"
	secret   = "cluster-test-webhook-secret"
	token    = "cluster-test-coder-token"
	appID    = 7
	owner    = "acme"
	repoName = "widgets"
	issueNum = 42
)

// cluster is the processes and fakes of one run.
type cluster struct {
	bin, pg  string
	start    time.Time
	gh       *fakegithub.Server
	coder    *fakecoder.Server
	key      []byte
	temporal *proc
	ingress  *proc
	workers  []*proc
	tAddr    string
	port     int
	figures  map[string]time.Duration
	order    []string
}

func (c *cluster) figure(name string, d time.Duration) {
	c.figures[name] = d
	c.order = append(c.order, name)
	fmt.Printf("  %-46s %s\n", name, d.Round(time.Millisecond))
}

func (c *cluster) run() error {
	if err := c.startFakes(); err != nil {
		return err
	}
	var err error
	if c.tAddr, err = freeAddr(); err != nil {
		return err
	}
	t0 := time.Now()
	if err := c.startTemporal(); err != nil {
		return err
	}
	c.figure("Temporal on PostgreSQL up (schema set up)", time.Since(t0))
	if err := c.startIngress(); err != nil {
		return err
	}
	w1, err := c.startWorker(1)
	if err != nil {
		return err
	}

	// Assign: exactly one task, running.
	t0 = time.Now()
	if st := c.deliver("issues", "assigned", assigned()); st != http.StatusAccepted {
		return fmt.Errorf("assignment answered %d", st)
	}
	if err := waitFor(60*time.Second, "the task", func() bool { return len(c.coder.Created()) == 1 && c.statusHas("Task is running") }); err != nil {
		return err
	}
	c.figure("assignment → task running", time.Since(t0))
	task := c.coder.Created()[0].ID

	// Two comments with the agent idle.
	for i := 1; i <= 2; i++ {
		t0 = time.Now()
		if st := c.deliver("issue_comment", "created", comment(int64(100+i), fmt.Sprintf("comment %d", i))); st != http.StatusAccepted {
			return fmt.Errorf("comment %d answered %d", i, st)
		}
		if err := waitFor(30*time.Second, fmt.Sprintf("comment %d sent", i), func() bool { return c.sentCount(task, fmt.Sprintf("comment %d\n", i)) == 1 }); err != nil {
			return err
		}
		c.figure(fmt.Sprintf("comment %d → Coder send (agent idle)", i), time.Since(t0))
	}

	// Comment 3 waits for a busy agent on worker 1; worker 2 starts; worker
	// 1 is killed with SIGKILL; worker 2 takes the wait over.
	if err := c.coder.SetWorking(task); err != nil {
		return err
	}
	if err := c.coder.Hold(task); err != nil {
		return err
	}
	polls := c.coder.Polls(task)
	c.deliver("issue_comment", "created", comment(103, "comment 3"))
	if err := waitFor(30*time.Second, "worker 1 waiting on the busy agent", func() bool { return c.coder.Polls(task) > polls+3 }); err != nil {
		return err
	}
	if _, err := c.startWorker(2); err != nil {
		return err
	}
	t0 = time.Now()
	if err := w1.kill(); err != nil {
		return err
	}
	polls = c.coder.Polls(task)
	if err := waitFor(60*time.Second, "worker 2 waiting on the busy agent", func() bool { return c.coder.Polls(task) > polls+3 }); err != nil {
		return err
	}
	c.figure("SIGKILL of the waiting worker → wait resumed", time.Since(t0))
	if err := c.coder.Release(task); err != nil {
		return err
	}
	if err := c.coder.SetIdle(task); err != nil {
		return err
	}
	if err := waitFor(30*time.Second, "comment 3 sent", func() bool { return c.sentCount(task, "comment 3\n") == 1 }); err != nil {
		return err
	}

	// Temporal restarts: the ingress answers 503 while it is down; once it
	// is back the reconciler redelivers, and the comment arrives once.
	t0 = time.Now()
	if err := c.temporal.stop(); err != nil {
		return err
	}
	if st := c.deliver("issue_comment", "created", comment(104, "comment 4, during the Temporal restart")); st != http.StatusServiceUnavailable {
		return fmt.Errorf("delivery with Temporal down answered %d, want 503", st)
	}
	if err := c.startTemporal(); err != nil {
		return err
	}
	if err := waitFor(60*time.Second, "the ingress ready", func() bool { return httpOK(fmt.Sprintf("http://127.0.0.1:%d/readyz", c.port)) }); err != nil {
		return err
	}
	c.figure("Temporal restart → ingress ready", time.Since(t0))
	t1 := time.Now()
	if out, err := c.command("redeliver", "--since", "30m"); err != nil {
		return fmt.Errorf("redeliver: %v\n%s", err, out)
	}
	if err := waitFor(60*time.Second, "comment 4 sent", func() bool { return c.sentCount(task, "comment 4, during the Temporal restart\n") == 1 }); err != nil {
		return err
	}
	c.figure("redeliver → missed comment at Coder", time.Since(t1))

	// A CI failure on the agent's pull request, then close.
	c.gh.SetPullRequest(owner, repoName, fakegithub.PullRequest{Number: 64, Author: agent, HeadSHA: headSHA})
	c.gh.SetClosingIssues(owner, repoName, 64, issueNum)
	c.gh.SetRunJobs(owner, repoName, 555, fakegithub.Job{ID: 5551, Name: "test", Conclusion: "failure"})
	c.gh.SetJobLog(5551, "FAIL: TestCluster\n")
	t0 = time.Now()
	c.deliver("workflow_run", "completed", failedRun())
	if err := waitFor(60*time.Second, "the CI failure relayed", func() bool { return c.sentCount(task, "FAIL: TestCluster") == 1 }); err != nil {
		return err
	}
	c.figure("CI failure → relayed with its log", time.Since(t0))
	t0 = time.Now()
	c.deliver("issues", "closed", closed())
	if err := waitFor(60*time.Second, "the task ended", func() bool { return c.coder.Ends(task) == 1 }); err != nil {
		return err
	}
	c.figure("close → task ended", time.Since(t0))

	// Nothing lost, nothing twice.
	if n := len(c.coder.Created()); n != 1 {
		return fmt.Errorf("%d tasks created, want exactly 1", n)
	}
	for i := 1; i <= 3; i++ {
		if n := c.sentCount(task, fmt.Sprintf("comment %d\n", i)); n != 1 {
			return fmt.Errorf("comment %d sent %d times, want once", i, n)
		}
	}
	if n := c.coder.Ends(task); n != 1 {
		return fmt.Errorf("task ended %d times, want once", n)
	}
	return nil
}

func (c *cluster) report(err error) {
	fmt.Printf("\ncluster test: one ingress, two workers, Temporal on PostgreSQL %s; total %s\n", c.pg, time.Since(c.start).Round(time.Millisecond))
	if err != nil {
		fmt.Printf("FAILED: %v\n", err)
		return
	}
	fmt.Println("PASSED: one task, each comment sent once, nothing lost across the worker kill and the Temporal restart")
}

func (c *cluster) startFakes() error {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	c.key = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	c.gh = fakegithub.New(fakegithub.Options{AppID: appID, PublicKey: &k.PublicKey})
	if c.coder, err = fakecoder.Listen(fakecoder.Options{Token: token, API: fakecoder.APITasks}); err != nil {
		return err
	}
	c.coder.SeedDefault()
	c.coder.AddUser(1001, "alice")
	c.gh.SetIssue(owner, repoName, issueNum, "open", agent)
	return nil
}

// env is the configuration every code-factory process gets.
func (c *cluster) env(extra ...string) []string {
	return append(append(os.Environ(),
		fmt.Sprintf("APP_ID=%d", appID), "PRIVATE_KEY="+string(c.key), "WEBHOOK_SECRET="+secret,
		"AGENT_GITHUB_USERNAME="+agent, "GITHUB_API_URL="+c.gh.URL(),
		"CODER_URL="+c.coder.URL(), "CODER_TOKEN="+token, "CODER_BACKEND=tasks",
		"TEMPORAL_ADDRESS="+c.tAddr, "CODER_POLL_INTERVAL=100ms", "REDELIVERY_INTERVAL=0",
		"TEMPORAL_LOST_AFTER=5m", "WORKER_STOP_TIMEOUT=5s", "LOG_FORMAT=text", "LOG_LEVEL=warn",
	), extra...)
}

func (c *cluster) startTemporal() error {
	p, err := startProc("temporal", c.bin, nil, "temporal server ready", "temporal-server", "--address", c.tAddr, "--postgres", c.pg)
	if err != nil {
		return err
	}
	c.temporal = p
	return nil
}

func (c *cluster) startIngress() error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	_, port, _ := net.SplitHostPort(addr)
	fmt.Sscan(port, &c.port)
	p, err := startProc("ingress", c.bin, c.env("PORT="+port), "", "ingress")
	if err != nil {
		return err
	}
	c.ingress = p
	c.gh.SetWebhook(fmt.Sprintf("http://127.0.0.1:%d/webhooks/github", c.port), []byte(secret))
	return waitFor(30*time.Second, "the ingress ready", func() bool { return httpOK(fmt.Sprintf("http://127.0.0.1:%d/readyz", c.port)) })
}

func (c *cluster) startWorker(n int) (*proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	p, err := startProc(fmt.Sprintf("worker-%d", n), c.bin, c.env("HEALTH_PORT="+port), "", "worker")
	if err != nil {
		return nil, err
	}
	c.workers = append(c.workers, p)
	return p, waitFor(30*time.Second, "the worker ready", func() bool { return httpOK("http://127.0.0.1:" + port + "/readyz") })
}

// command runs a one-off code-factory command with the cluster's settings.
func (c *cluster) command(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return runProc(ctx, c.bin, c.env(), args...)
}

func (c *cluster) stopAll() {
	for _, w := range c.workers {
		_ = w.stop()
	}
	if c.ingress != nil {
		_ = c.ingress.stop()
	}
	if c.temporal != nil {
		_ = c.temporal.stop()
	}
	if c.gh != nil {
		c.gh.Close()
	}
	if c.coder != nil {
		c.coder.Close()
	}
}

// deliver posts a webhook through the fake GitHub (which logs the attempt).
func (c *cluster) deliver(event, action string, body []byte) int {
	_, st := c.gh.Deliver(event, action, body)
	return st
}

func (c *cluster) sentCount(task, text string) int {
	return strings.Count(strings.Join(c.coder.Sent(task), "\n"), text)
}

func (c *cluster) statusHas(text string) bool {
	for _, cm := range c.gh.Comments(owner, repoName, issueNum) {
		if strings.Contains(cm.Body, text) {
			return true
		}
	}
	return false
}

func waitFor(d time.Duration, what string, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out waiting for " + what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

func httpOK(url string) bool {
	cl := http.Client{Timeout: 2 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

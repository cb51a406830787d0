//go:build !prod

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/devserver"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// benchSecret signs the load tool's deliveries.
const benchSecret = "code-factory-bench-secret"

// benchOptions are the load tool's flags.
type benchOptions struct {
	n, c     int
	maxTime  time.Duration
	db       string
	api      fakecoder.API
	cpuProf  string
	repos    int
	hops     bool
	progress io.Writer
}

// runBench is `code-factory bench`: it runs the service as `dev` does (an
// embedded Temporal server on a SQLite file, its UI, the worker and the
// ingress on loopback) against the in-repo fakes, and drives the named
// scenarios at it over HTTP. See benchScenarios.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("bench", "Runs load scenarios against the service on an embedded Temporal server (SQLite file) and the in-repo fakes, on loopback.\nScenarios: "+strings.Join(benchScenarioNames(), ", ")+" (default: all but scale).", stderr)
	o := benchOptions{progress: stderr}
	fs.IntVar(&o.n, "n", 0, "requests (or issues) per scenario; 0: each scenario's own default")
	fs.IntVar(&o.c, "c", 10, "concurrent requests of the throughput scenarios")
	fs.DurationVar(&o.maxTime, "max-time", 10*time.Minute, "bound on each scenario")
	fs.StringVar(&o.db, "db", "", "SQLite file of the embedded server (default: a fresh file in a temporary directory)")
	api := fs.String("coder-api", "chats", "fake Coder's API: chats, tasks or both")
	fs.StringVar(&o.cpuProf, "cpuprofile", "", "write a CPU profile of the whole run (server, worker, ingress, fakes) to this file")
	fs.BoolVar(&o.hops, "hops", false, "send and close: print the Temporal history events of the last sample, with their offsets")
	fs.IntVar(&o.repos, "repos", 10, "repositories the assignments of assign and scale are spread over")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var err error
	if o.api, err = simulatedAPI(*api); err != nil {
		fmt.Fprintf(stderr, "code-factory bench: %v\n", err)
		return 2
	}
	names := fs.Args()
	if len(names) == 0 {
		names = benchDefaultScenarios()
	}
	for _, n := range names {
		if benchScenarios()[n] == nil {
			fmt.Fprintf(stderr, "code-factory bench: unknown scenario %q (have %s)\n", n, strings.Join(benchScenarioNames(), ", "))
			return 2
		}
	}
	if o.cpuProf != "" {
		f, err := os.Create(o.cpuProf)
		if err != nil {
			fmt.Fprintf(stderr, "code-factory bench: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "code-factory bench: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	for _, n := range names {
		if err := runScenario(ctx, n, o, stdout); err != nil {
			fmt.Fprintf(stderr, "code-factory bench: %s: %v\n", n, err)
			return 1
		}
	}
	return 0
}

// runScenario runs one scenario on a stack of its own, so each starts from
// an empty database.
func runScenario(ctx context.Context, name string, o benchOptions, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, o.maxTime)
	defer cancel()
	sc := benchScenarios()[name]
	st, err := startBenchStack(ctx, o)
	if err != nil {
		return err
	}
	defer st.stop()
	fmt.Fprintf(out, "\n== %s (coder api %s, db %s)\n", name, apiName(o.api), st.db)
	return sc.run(ctx, st, o, out)
}

// apiName names a fake Coder API for the report.
func apiName(a fakecoder.API) string {
	if a == fakecoder.APIBoth {
		return "both"
	}
	return string(a)
}

// benchStack is the service as `dev` runs it, with the fakes.
type benchStack struct {
	world   *fakeworld.World
	srv     *devserver.Server
	cfg     *config.Config
	hook    string // the ingress's webhook URL
	db, dir string
	api     fakecoder.API
	cancel  context.CancelFunc
	done    chan error
}

// startBenchStack starts the fakes, the embedded server on a SQLite file,
// and serve (worker and ingress), and waits for the ingress to be ready.
func startBenchStack(ctx context.Context, o benchOptions) (*benchStack, error) {
	st := &benchStack{db: o.db, api: o.api, done: make(chan error, 1)}
	if st.db == "" {
		dir, err := os.MkdirTemp("", "code-factory-bench-")
		if err != nil {
			return nil, err
		}
		st.dir, st.db = dir, filepath.Join(dir, "temporal.db")
	}
	// Each run ends at once after a send; no agent takes time.
	world, err := fakeworld.New(fakeworld.Options{NoRequestLog: true, Coder: fakecoder.Options{API: o.api, StartupPolls: -1, WorkPolls: -1}})
	if err != nil {
		return nil, err
	}
	st.world = world
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	frontend, err := devserver.FreeAddress()
	if err != nil {
		st.stop()
		return nil, err
	}
	ingressAddr, err := devserver.FreeAddress()
	if err != nil {
		st.stop()
		return nil, err
	}
	_, port, _ := net.SplitHostPort(ingressAddr)
	env := map[string]string{"LOG_LEVEL": "error", "PORT": port, "WORKFLOW_CACHE_SIZE": os.Getenv("WORKFLOW_CACHE_SIZE")}
	if st.cfg, err = config.Load(func(k string) string { return env[k] }, os.ReadFile, 0); err != nil {
		st.stop()
		return nil, err
	}
	sizeWorkflowCache(st.cfg) // before the server's own workers start, as dev does
	devMemoryLimit(os.Getenv)
	if st.srv, err = devserver.Start(ctx, devserver.Options{DB: st.db, FrontendAddress: frontend, Logger: quiet, LogLevel: "error"}); err != nil {
		st.stop()
		return nil, fmt.Errorf("embedded Temporal server: %w", err)
	}
	c := st.cfg
	c.AppID, c.PrivateKey, c.WebhookSecret = fakeworld.AppID, world.KeyPEM, []byte(benchSecret)
	c.GitHubAPIURL, c.GitHubGraphQLURL = world.GitHub.URL(), world.GitHub.GraphQLURL()
	c.CoderURL, c.CoderToken = world.Coder.URL(), fakeworld.CoderToken
	c.CoderOrganization, c.CoderTemplateName, c.CodeFactoryTemplateName = fakeworld.Organization, fakeworld.Template, fakeworld.ConfigTemplate
	c.AgentGitHubUsername = benchAgent.Login
	c.TemporalAddress, c.TemporalNamespace = st.srv.FrontendAddress(), st.srv.Namespace()
	c.TemporalUIURL = st.srv.UIURL()
	c.PprofAddr = os.Getenv("PPROF_ADDR")
	world.Coder.AddUser(benchAssigner.ID, benchAssigner.Login)
	sctx, cancel := context.WithCancel(context.Background())
	st.cancel = cancel
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	go func() { st.done <- serve(sctx, c, logger, true, true) }()
	st.hook = "http://" + ingressAddr + "/webhooks/github"
	if err := waitIngressReady(ctx, "http://"+ingressAddr+"/readyz", st.done); err != nil {
		st.stop()
		return nil, err
	}
	return st, nil
}

// waitIngressReady polls /readyz until it answers 200.
func waitIngressReady(ctx context.Context, url string, done <-chan error) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return fmt.Errorf("service ended before it was ready: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("ingress not ready: %w", ctx.Err())
		case <-tick.C:
		}
		resp, err := hc.Get(url)
		if err != nil {
			continue
		}
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
}

// stop ends the service, the server and the fakes, and removes a
// temporary database.
func (st *benchStack) stop() {
	if st.cancel != nil {
		st.cancel()
		if err := <-st.done; err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(os.Stderr, "code-factory bench: service: %v\n", err)
		}
	}
	if st.srv != nil {
		if err := st.srv.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "code-factory bench: stopping the server: %v\n", err)
		}
	}
	if st.world != nil {
		st.world.Close()
	}
	if st.dir != "" {
		_ = os.RemoveAll(st.dir)
	}
}

// dbSize is the SQLite database's size on disk, with its WAL.
func (st *benchStack) dbSize() int64 {
	var n int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(st.db + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// rssMiB reads this process's resident set and its peak from /proc.
func rssMiB() (now, peak float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

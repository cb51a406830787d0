package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/devserver"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// e2eTemporal is the one embedded Temporal server every end-to-end test of
// this package shares: the server is the slowest part to start.
var e2eTemporal *devserver.Server

// e2eSeq makes each stack's workflow-ID prefix and task queue unique, so
// tests sharing the server never see each other's workflows.
var e2eSeq atomic.Int64

// quietLogger logs errors only, to keep test output readable.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func TestMain(m *testing.M) {
	if os.Getenv(childWorkerEnv) != "" {
		os.Exit(runChildWorker())
	}
	srv, err := devserver.StartEphemeral(context.Background(), quietLogger())
	if err != nil {
		fmt.Fprintf(os.Stderr, "embedded Temporal server: %v\n", err)
		os.Exit(1)
	}
	e2eTemporal = srv
	code := m.Run()
	if err := srv.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stopping the embedded Temporal server: %v\n", err)
	}
	os.Exit(code)
}

// stack is the whole service: ingress and worker wired exactly as `serve`
// wires them, on the shared Temporal server, against the fakes.
type stack struct {
	t       testing.TB
	world   *fakeworld.World
	cfg     *config.Config
	logger  *slog.Logger
	logs    *syncBuffer
	client  client.Client
	worker  worker.Worker
	ingress *httptest.Server
	api     fakecoder.API
	// tel is the stack's telemetry: the SDK's and our metrics, at /metrics.
	tel *telemetry
	// childOut is the output of the child worker, if one runs.
	childOut *bufio.Reader
	// schedules wraps the worker's schedule client (nil: as is).
	schedules func(client.ScheduleClient) client.ScheduleClient
}

// stackOptions are the knobs of newStack.
type stackOptions struct {
	// api is the fake Coder's API (default both).
	api fakecoder.API
	// agent is AGENT_GITHUB_USERNAME (default e2eAgent).
	agent string
	// coder configures the fake Coder further.
	coder fakecoder.Options
	// tweak changes the configuration before anything starts.
	tweak func(*config.Config)
	// schedules wraps the worker's Temporal schedule client.
	schedules func(client.ScheduleClient) client.ScheduleClient
}

// stackOption sets a stack option.
type stackOption func(*stackOptions)

// onAPI runs the stack against a fake Coder serving that API.
func onAPI(api fakecoder.API) stackOption { return func(o *stackOptions) { o.api = api } }

// withAgent sets the agent's GitHub login.
func withAgent(login string) stackOption { return func(o *stackOptions) { o.agent = login } }

// withCoder sets more fake Coder options.
func withCoder(c fakecoder.Options) stackOption { return func(o *stackOptions) { o.coder = c } }

// withSchedules wraps the worker's Temporal schedule client, to make
// Temporal refuse some schedules.
func withSchedules(wrap func(client.ScheduleClient) client.ScheduleClient) stackOption {
	return func(o *stackOptions) { o.schedules = wrap }
}

// withConfig changes the configuration.
func withConfig(f func(*config.Config)) stackOption { return func(o *stackOptions) { o.tweak = f } }

func newStack(t testing.TB, opts ...stackOption) *stack {
	t.Helper()
	o := stackOptions{agent: e2eAgent}
	for _, f := range opts {
		f(&o)
	}
	o.coder.API = o.api
	world, err := fakeworld.New(fakeworld.Options{Coder: o.coder})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(world.Close)
	n := e2eSeq.Add(1)
	cfg := &config.Config{
		AppID: fakeworld.AppID, PrivateKey: world.KeyPEM, WebhookSecret: []byte("e2e-webhook-secret"),
		GitHubAPIURL: world.GitHub.URL(), GitHubGraphQLURL: world.GitHub.GraphQLURL(), GitHubWebURL: "https://github.com/",
		AgentGitHubUsername: o.agent,
		CoderURL:            world.Coder.URL(), CoderToken: fakeworld.CoderToken,
		CoderOrganization: fakeworld.Organization, CoderTemplateName: fakeworld.Template, CodeFactoryTemplateName: fakeworld.ConfigTemplate,
		CoderTaskNamePrefix: fmt.Sprintf("e%d", n),
		TemporalAddress:     e2eTemporal.FrontendAddress(), TemporalNamespace: e2eTemporal.Namespace(),
		TemporalTaskQueue: fmt.Sprintf("e2e-%d", n),
		CoderPollInterval: 10 * time.Millisecond,
		CoderBackend:      "auto", CoderChatIdentity: "assigner", CoderWatchInterval: 100 * time.Millisecond,
		LogFormat: "text", LogLevel: "error",
	}
	if o.tweak != nil {
		o.tweak(cfg)
	}
	logs := &syncBuffer{}
	// Everything is logged at debug into logs (so tests can search every
	// line for secrets); errors also go to stderr.
	logger := slog.New(teeHandler{
		slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}),
	})
	s := &stack{t: t, world: world, cfg: cfg, logger: logger, logs: logs, api: o.api, schedules: o.schedules}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if s.tel, err = newTelemetry(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if s.client, err = dialTemporal(ctx, cfg, s.logger, s.tel); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.client.Close)
	s.startWorker()
	h, err := newIngress(ctx, cfg, s.client, s.logger, s.tel)
	if err != nil {
		t.Fatal(err)
	}
	s.ingress = httptest.NewServer(h)
	t.Cleanup(s.ingress.Close)
	return s
}

// startWorker starts a worker as a fresh process would.
func (s *stack) startWorker() {
	s.t.Helper()
	w, closeActs, err := startTestWorker(context.Background(), s.cfg, s.client, s.logger, func(a *activities.Activities) {
		a.Metrics = s.tel.business
		if s.schedules != nil {
			a.Schedules = s.schedules(a.Schedules)
		}
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.worker = w
	s.t.Cleanup(func() { w.Stop(); closeActs() })
}

// startTestWorker builds and starts a worker wired as `serve` wires it,
// polling fast enough for tests.
// tweak, when set, changes the activities before the worker starts.
func startTestWorker(ctx context.Context, cfg *config.Config, c client.Client, logger *slog.Logger, tweak func(*activities.Activities)) (worker.Worker, func(), error) {
	acts, closeActs, err := newActivities(ctx, cfg, c, logger)
	if err != nil {
		return nil, nil, err
	}
	acts.Timing = fakeworld.FastTiming()
	// A flood holds the agent busy for as long as posting its comments
	// takes, which on a loaded 2-core machine went past 20 s and reported
	// the waiting batch undelivered. No end-to-end test waits for this
	// timeout; it only bounds a failing one.
	acts.Timing.ReadyTimeout = 3 * time.Minute
	if tweak != nil {
		tweak(acts)
	}
	w := newWorker(c, cfg, acts, func(err error) { logger.Error("worker fatal error", "error", err) })
	if err := w.Start(); err != nil {
		closeActs()
		return nil, nil, err
	}
	return w, closeActs, nil
}

// deliverBytes posts a payload as GitHub would, signed with the webhook secret.
func (s *stack) deliverBytes(event string, body []byte, delivery string) (int, string) {
	s.t.Helper()
	mac := hmac.New(sha256.New, s.cfg.WebhookSecret)
	mac.Write(body)
	req, err := http.NewRequest(http.MethodPost, s.ingress.URL+"/webhooks/github", bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// mustPost posts a payload and requires the given status.
func (s *stack) mustPost(want int, event string, body []byte, delivery string) string {
	s.t.Helper()
	got, reply := s.deliverBytes(event, body, delivery)
	if got != want {
		s.t.Fatalf("delivery %s (%s): status %d (%s), want %d", delivery, event, got, reply, want)
	}
	return reply
}

// eventually waits for cond; the deadline only bounds a failing test.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// agentWorksThenIdles plays the agent of a run that gets no input (a job or
// hook task): once it exists it works for a few polls, then turns idle.
func (s *stack) agentWorksThenIdles(runID string) {
	s.t.Helper()
	if err := s.world.Coder.WorkFor(runID, 3); err != nil {
		s.t.Fatal(err)
	}
}

// dialLazy returns a client that connects on first use, for a Temporal that is down.
func dialLazy(cfg *config.Config) (client.Client, error) {
	return client.NewLazyClient(client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace})
}

// waitClosed waits until the workflow's latest run has closed.
func (s *stack) waitClosed(id string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.client.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		s.t.Fatalf("workflow %s: %v", id, err)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// teeHandler sends each record to two handlers.
type teeHandler [2]slog.Handler

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h[0].Enabled(ctx, l) || h[1].Enabled(ctx, l)
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, x := range h {
		if x.Enabled(ctx, r.Level) {
			if err := x.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h[0].WithAttrs(as), h[1].WithAttrs(as)}
}

func (h teeHandler) WithGroup(n string) slog.Handler {
	return teeHandler{h[0].WithGroup(n), h[1].WithGroup(n)}
}

package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/devserver"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
	"github.com/code-factory/code-factory/internal/fixtures"
)

// e2eTemporal is the one embedded Temporal server every end-to-end test of
// this package shares: the server is the slowest part to start.
var e2eTemporal *devserver.Server

// e2eSeq makes each stack's workflow-ID prefix and task queue unique, so
// tests sharing the server never see each other's workflows.
var e2eSeq atomic.Int64

func TestMain(m *testing.M) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	srv, err := devserver.StartEphemeral(context.Background(), logger)
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

// e2eAgent is the agent user of the captured fixtures.
const e2eAgent = "xmtp-coder-agent"

// stack is the whole service: ingress and worker wired exactly as `serve`
// wires them, on the shared Temporal server, against the fakes.
type stack struct {
	t       testing.TB
	world   *fakeworld.World
	cfg     *config.Config
	logger  *slog.Logger
	client  client.Client
	worker  worker.Worker
	ingress *httptest.Server
}

func newStack(t testing.TB) *stack {
	t.Helper()
	world, err := fakeworld.New(fakeworld.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(world.Close)
	n := e2eSeq.Add(1)
	cfg := &config.Config{
		AppID: fakeworld.AppID, PrivateKey: world.KeyPEM, WebhookSecret: []byte("e2e-webhook-secret"),
		GitHubAPIURL: world.GitHub.URL(), GitHubGraphQLURL: world.GitHub.GraphQLURL(),
		AgentGitHubUsername: e2eAgent,
		CoderURL:            world.Coder.URL(), CoderToken: fakeworld.CoderToken,
		CoderOrganization: fakeworld.Organization, CoderTemplateName: fakeworld.Template, CodeFactoryTemplateName: fakeworld.ConfigTemplate,
		CoderTaskNamePrefix: fmt.Sprintf("e%d", n),
		TemporalAddress:     e2eTemporal.FrontendAddress(), TemporalNamespace: e2eTemporal.Namespace(),
		TemporalTaskQueue: fmt.Sprintf("e2e-%d", n),
		CoderPollInterval: 10 * time.Millisecond,
		LogFormat:         "text", LogLevel: "error",
	}
	s := &stack{t: t, world: world, cfg: cfg, logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if s.client, err = dialTemporal(ctx, cfg, s.logger); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.client.Close)
	s.startWorker()
	h, err := newIngress(ctx, cfg, s.client, s.logger)
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
	acts, err := newActivities(s.cfg, s.client, s.logger)
	if err != nil {
		s.t.Fatal(err)
	}
	acts.Timing = fakeworld.FastTiming()
	s.worker = newWorker(s.client, s.cfg, acts)
	if err := s.worker.Start(); err != nil {
		s.t.Fatal(err)
	}
	w := s.worker
	s.t.Cleanup(w.Stop)
}

// deliver posts a fixture as GitHub would, signed with the webhook secret.
func (s *stack) deliver(event, fixture, delivery string) (int, string) {
	s.t.Helper()
	return s.deliverBytes(event, fixtures.Read(s.t, fixture), delivery)
}

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

// mustDeliver posts a fixture and requires the given status.
func (s *stack) mustDeliver(want int, event, fixture, delivery string) string {
	s.t.Helper()
	got, body := s.deliver(event, fixture, delivery)
	if got != want {
		s.t.Fatalf("delivery %s of %s: status %d (%s), want %d", delivery, fixture, got, body, want)
	}
	return body
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

// withNumber returns a copy of a fixture payload with issue.number changed,
// for events the fixtures only hold for another issue. The file is not edited.
func withNumber(t testing.TB, fixture string, number int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixtures.Read(t, fixture), &m); err != nil {
		t.Fatal(err)
	}
	m["issue"].(map[string]any)["number"] = number
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dialLazy returns a client that connects on first use, for a Temporal that is down.
func dialLazy(cfg *config.Config, logger *slog.Logger) (client.Client, error) {
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

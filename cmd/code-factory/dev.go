//go:build !prod

package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/devserver"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

// Simulator seed: the sample deliveries of `code-factory send` are about
// acme/widgets#1, assigned by octo-maintainer (GitHub id 1001) to the agent.
const (
	simAgent      = "code-factory-agent"
	simAppID      = 1
	simCoderToken = "code-factory-dev-coder-token"
	simAssigner   = "octo-maintainer"
	simAssignerID = 1001
)

// devCommands is the dev command; the production build (-tags prod) has
// none, and no embedded server, UI or fakes.
func devCommands() []command {
	return []command{
		{"dev", "run everything in one process on an embedded Temporal server", runDev},
		{"temporal-server", "run the embedded Temporal server alone, on SQLite or PostgreSQL (tests, the cluster test)", runTemporalServer},
		{"bench", "run load scenarios against the service on an embedded server and the in-repo fakes (loopback only)", runBench},
	}
}

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("dev", "Runs everything in one process: an embedded Temporal server (SQLite), its Web UI, the worker and the ingress.\nWithout CODER_URL and GitHub App credentials it also runs the in-repo GitHub and Coder fakes as simulators.", stderr)
	db := fs.String("db", ".code-factory/dev/temporal.db", "SQLite file of the embedded Temporal server (\":memory:\" for a throwaway one)")
	uiPort := fs.Int("ui-port", 0, "Temporal Web UI port (0: frontend port + 1000, -1: no UI)")
	coderAPI := fs.String("coder-api", "chats", "simulated Coder's API: chats (Coder v2.38+), tasks (the v2.34 ESR) or both")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	api, err := simulatedAPI(*coderAPI)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory dev: %v\n", err)
		return 2
	}
	cfg, logger, ok := loadConfig(0, stderr)
	if !ok {
		return 1
	}
	simulated := cfg.Simulated()
	if !simulated {
		if cfg, logger, ok = loadConfig(config.NeedAll, stderr); !ok {
			return 1
		}
	}
	sizeWorkflowCache(cfg)
	if limit, set := devMemoryLimit(os.Getenv); set {
		logger.Info("soft memory limit for the one dev process", "limit_mib", limit>>20, "override", "GOMEMLIMIT")
	}
	srv, err := devserver.Start(ctx, devserver.Options{DB: *db, FrontendAddress: cfg.TemporalAddress, UIPort: *uiPort, Namespace: cfg.TemporalNamespace, Logger: logger.With("component", "temporal-server")})
	if err != nil {
		return fail(logger, fmt.Errorf("embedded Temporal server: %w", err))
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			logger.Error("stopping the embedded Temporal server", "error", err)
		}
	}()
	cfg.TemporalAddress = srv.FrontendAddress()
	if cfg.TemporalUIURL == "" {
		cfg.TemporalUIURL = srv.UIURL() // failures on issues link the embedded UI
	}
	if simulated {
		sim, err := startSimulators(cfg, api, logger)
		if err != nil {
			return fail(logger, err)
		}
		defer sim.Close()
	}
	printBanner(stdout, cfg, srv.UIURL(), simulated)
	return fail(logger, serve(ctx, cfg, logger, true, true))
}

// simulators are the in-process GitHub and Coder fakes of simulator mode.
type simulators struct {
	gh    *fakegithub.Server
	coder *fakecoder.Server
}

// Close stops both fakes.
func (s *simulators) Close() {
	s.gh.Close()
	s.coder.Close()
}

// simulatedAPI parses --coder-api.
// devSoftMemoryLimit is dev's soft memory limit when GOMEMLIMIT is unset:
// the Go runtime collects garbage sooner near it instead of letting the
// heap double. One dev process holds the server, the UI and the worker;
// with 10,000 open issues it stayed near 950 MiB under this limit, and
// reached 1.37 GiB without it (README "Performance").
const devSoftMemoryLimit = 900 << 20

// devMemoryLimit sets devSoftMemoryLimit unless GOMEMLIMIT is set, and
// says whether it did.
func devMemoryLimit(getenv func(string) string) (int64, bool) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	debug.SetMemoryLimit(devSoftMemoryLimit)
	return devSoftMemoryLimit, true
}

func simulatedAPI(v string) (fakecoder.API, error) {
	switch v {
	case "chats":
		return fakecoder.APIChats, nil
	case "tasks":
		return fakecoder.APITasks, nil
	case "both":
		return fakecoder.APIBoth, nil
	}
	return "", fmt.Errorf("--coder-api %q is not chats, tasks or both", v)
}

// startSimulators starts the fakes and points cfg at them.
func startSimulators(cfg *config.Config, api fakecoder.API, logger *slog.Logger) (*simulators, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	// The fakes log each request at debug; a newcomer should see them.
	loud := slog.New(raiseToInfo{logger.Handler()})
	gh := fakegithub.New(fakegithub.Options{AppID: simAppID, PublicKey: &key.PublicKey, Logger: loud.With("component", "simulated-github")})
	// The simulated agent works for a few polls on each message and
	// reports a pull request after a while, so the status comment moves.
	cs := fakecoder.New(fakecoder.Options{Token: simCoderToken, API: api, WorkPolls: 3, DiffPolls: 4, Logger: loud.With("component", "simulated-coder")})
	cs.SeedDefault()
	cs.AddUser(simAssignerID, simAssigner)
	if cfg.AgentGitHubUsername == "" {
		cfg.AgentGitHubUsername = simAgent
	}
	gh.SetIssue("acme", "widgets", 1, "open", cfg.AgentGitHubUsername)
	cfg.AppID = simAppID
	cfg.PrivateKey = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	cfg.GitHubAPIURL = gh.URL()
	cfg.GitHubGraphQLURL = gh.GraphQLURL()
	cfg.CoderURL = cs.URL()
	cfg.CoderToken = simCoderToken
	if len(cfg.WebhookSecret) == 0 {
		cfg.WebhookSecret = []byte(devWebhookSecret)
	}
	if os.Getenv("CODER_POLL_INTERVAL") == "" {
		cfg.CoderPollInterval = 500 * time.Millisecond // the simulated task starts at once
	}
	if os.Getenv("CODER_WATCH_INTERVAL") == "" {
		cfg.CoderWatchInterval = 2 * time.Second // show the simulated PR link soon
	}
	logger.Warn("SIMULATOR MODE: no CODER_URL or GitHub App credentials set; GitHub and Coder are in-process fakes",
		"github_api", cfg.GitHubAPIURL, "coder_url", cfg.CoderURL, "coder_api", string(api))
	return &simulators{gh: gh, coder: cs}, nil
}

// printBanner tells a newcomer where to post webhooks and how to send one.
func printBanner(w io.Writer, cfg *config.Config, uiURL string, simulated bool) {
	hook := fmt.Sprintf("http://127.0.0.1:%d/webhooks/github", cfg.Port)
	fmt.Fprintf(w, "\ncode-factory dev\n  webhooks:    POST %s\n  schema:      http://127.0.0.1:%d/schema.json\n  temporal:    %s (namespace %s)\n", hook, cfg.Port, cfg.TemporalAddress, cfg.TemporalNamespace)
	if uiURL != "" {
		fmt.Fprintf(w, "  temporal UI: %s\n", uiURL)
	}
	if simulated {
		fmt.Fprintf(w, "  mode:        SIMULATOR (GitHub %s and Coder %s are in-process fakes; --coder-api picks Coder's API)\n", cfg.GitHubAPIURL, cfg.CoderURL)
	}
	exe := "go run ./cmd/code-factory"
	if _, err := os.Stat("cmd/code-factory"); err != nil {
		exe = "code-factory"
	}
	fmt.Fprintf(w, "\nSend a signed sample issues.assigned delivery:\n  %s send --url %s --sample assigned\nthen --sample comment, then --sample closed.\n\n", exe, hook)
}

// raiseToInfo logs debug records at info.
type raiseToInfo struct{ slog.Handler }

func (h raiseToInfo) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, max(l, slog.LevelInfo))
}

func (h raiseToInfo) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelInfo {
		r.Level = slog.LevelInfo
	}
	return h.Handler.Handle(ctx, r)
}

func (h raiseToInfo) WithAttrs(as []slog.Attr) slog.Handler {
	return raiseToInfo{h.Handler.WithAttrs(as)}
}
func (h raiseToInfo) WithGroup(n string) slog.Handler { return raiseToInfo{h.Handler.WithGroup(n)} }

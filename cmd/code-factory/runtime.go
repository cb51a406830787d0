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
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/ingress"
	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/schema"
	"github.com/code-factory/code-factory/workflows"
)

// loadConfig reads the environment; problems go to stderr one per line.
func loadConfig(needs config.Needs, stderr io.Writer) (*config.Config, *slog.Logger, bool) {
	cfg, err := config.Load(os.Getenv, os.ReadFile, needs)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory: invalid configuration:\n%v\n", err)
		return nil, nil, false
	}
	logger, err := config.NewLogger(cfg.LogFormat, cfg.LogLevel, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory: %v\n", err)
		return nil, nil, false
	}
	return cfg, logger, true
}

// dialTemporal connects to the Temporal frontend.
// With telemetry, the SDK reports its metrics (and traces) through it.
func dialTemporal(ctx context.Context, cfg *config.Config, logger *slog.Logger, tel *telemetry) (client.Client, error) {
	opts := client.Options{
		HostPort:  cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace,
		Logger:    tlog.NewStructuredLogger(logger.With("component", "temporal-client")),
	}
	if tel != nil {
		opts.MetricsHandler = tel.sdk
		opts.Interceptors = tel.interceptors()
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

// githubFactory builds the GitHub client factory from the App credentials.
func githubFactory(cfg *config.Config) (*ghapi.Factory, error) {
	return ghapi.NewFactory(ghapi.FactoryConfig{
		AppID:      cfg.AppID,
		PrivateKey: cfg.PrivateKey,
		APIURL:     cfg.GitHubAPIURL,
		GraphQLURL: cfg.GitHubGraphQLURL,
	})
}

// newActivities builds the activity clients; c manages schedules. It
// probes Coder once to choose the backend (CODER_BACKEND) and logs why.
// close expires the tokens minted for chats.
func newActivities(ctx context.Context, cfg *config.Config, c client.Client, logger *slog.Logger) (acts *activities.Activities, close func(), err error) {
	gh, err := githubFactory(cfg)
	if err != nil {
		return nil, nil, err
	}
	backends, closeCoder, err := coderBackends(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	acts = activities.New(backends, gh, activities.DefaultTiming(cfg.CoderPollInterval), logger.With("component", "activities"))
	acts.BotLoginOverride = cfg.AppBotLogin
	acts.GitHubWebURL = cfg.GitHubWebURL
	acts.ConfigTemplateName = cfg.CodeFactoryTemplateName
	acts.Schedules = c.ScheduleClient()
	acts.Workflows = c
	acts.Slots = c
	acts.TaskQueue = cfg.TemporalTaskQueue
	return acts, closeCoder, nil
}

// coderProbeTimeout bounds the start-up probe of Coder's APIs.
const coderProbeTimeout = 30 * time.Second

// coderBackends builds both Coder backends and picks the one that makes new
// runs; runs made earlier keep the backend of their kind.
func coderBackends(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*coder.Backends, func(), error) {
	cc := coder.NewClient(cfg.CoderURL, cfg.CoderToken, nil)
	tasks := coder.NewTasksBackend(cc, coder.TasksConfig{
		Organization: cfg.CoderOrganization,
		TemplateName: cfg.CoderTemplateName,
		Preset:       cfg.CoderTemplatePreset,
		PublicURL:    cfg.CoderURL,
	})
	chats := coder.NewChatsBackend(cc, coder.ChatsConfig{
		Organization: cfg.CoderOrganization,
		PublicURL:    cfg.CoderURL,
		Identity:     coder.Identity(cfg.CoderChatIdentity),
		Logger:       logger.With("component", "coder-chats"),
	})
	pctx, cancel := context.WithTimeout(ctx, coderProbeTimeout)
	defer cancel()
	choice, err := coder.Choose(pctx, cc, cfg.CoderBackend)
	if err != nil {
		return nil, nil, err
	}
	logger.Info("coder backend chosen", "backend", string(choice.Kind), "reason", choice.Reason, "coder_url", cfg.CoderURL)
	var chosen coder.Backend = tasks
	if choice.Kind == coder.KindChat {
		chosen = chats
	}
	return coder.NewBackends(chosen, tasks, chats), chats.Close, nil
}

// sizeWorkflowCache sets WORKFLOW_CACHE_SIZE. The SDK keeps one cache of
// open runs per process, sized when the process's first worker starts: in
// dev that is one of the embedded server's own workers, so dev calls this
// before it starts the server.
func sizeWorkflowCache(cfg *config.Config) {
	if cfg.WorkflowCacheSize > 0 {
		worker.SetStickyWorkflowCacheSize(cfg.WorkflowCacheSize)
	}
}

// newWorker registers the workflows and activities on the task queue.
// onFatal is told of an error the worker cannot recover from.
func newWorker(c client.Client, cfg *config.Config, acts *activities.Activities, onFatal func(error)) worker.Worker {
	sizeWorkflowCache(cfg)
	w := worker.New(c, cfg.TemporalTaskQueue, worker.Options{
		Interceptors:      []interceptor.WorkerInterceptor{activities.LoggingInterceptor(acts)},
		WorkerStopTimeout: cfg.WorkerStopTimeout,
		OnFatalError:      onFatal,
	})
	workflows.Register(w, acts)
	return w
}

// settings are the deployment settings copied into workflow inputs.
func settings(cfg *config.Config) workflows.Settings {
	return workflows.Settings{
		TaskNamePrefix: cfg.CoderTaskNamePrefix, AgentLogin: cfg.AgentGitHubUsername, BotLogin: cfg.AppBotLogin,
		WatchEvery: cfg.CoderWatchInterval, CallTimeout: cfg.CallTimeout, EventsPerRun: cfg.EventsPerRun, MaxRunEvents: cfg.MaxRunEvents,
		PermissionTTL: cfg.PermissionCacheTTL, TemporalUIURL: cfg.TemporalUIURL,
	}
}

// newIngress builds the webhook HTTP server; it serves /schema.json too.
// With telemetry, it records its metrics and serves /metrics.
func newIngress(ctx context.Context, cfg *config.Config, c client.Client, logger *slog.Logger, tel *telemetry) (http.Handler, error) {
	var fetch func(context.Context) (string, error)
	if cfg.AppBotLogin == "" {
		gh, err := githubFactory(cfg)
		if err != nil {
			return nil, err
		}
		fetch = gh.BotLogin
	}
	bot := ingress.NewBotLogin(cfg.AppBotLogin, fetch, logger)
	bot.Start(ctx)
	srv := ingress.New(ingress.Config{
		Secret:     cfg.WebhookSecret,
		Settings:   settings(cfg),
		Bot:        bot,
		Dispatcher: ingress.NewTemporalDispatcher(c, cfg.TemporalTaskQueue),
		Logger:     logger.With("component", "ingress"),
		Ready: func(ctx context.Context) error {
			_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
		Metrics: tel.ingressMetrics(),
	})
	e := srv.Echo()
	e.GET("/schema.json", echo.WrapHandler(schema.Handler()))
	if tel != nil {
		e.GET("/metrics", echo.WrapHandler(tel.handler()))
	}
	return e, nil
}

// serveHTTP serves h on 127.0.0.1-or-all:port until ctx ends.
func serveHTTP(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("ingress listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func listenAddr(cfg *config.Config) string { return ":" + strconv.Itoa(cfg.Port) }

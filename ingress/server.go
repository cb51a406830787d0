package ingress

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/code-factory/code-factory/workflows"
)

// DefaultMaxBody is the default cap on a webhook body: GitHub caps payloads at 25 MB.
const DefaultMaxBody int64 = 25 << 20

// readyTimeout bounds one readiness probe.
const readyTimeout = 5 * time.Second

// WebhookPath is where GitHub posts deliveries.
const WebhookPath = "/webhooks/github"

// Config configures the ingress HTTP server.
type Config struct {
	// Secret is the webhook secret. An empty secret rejects every delivery.
	Secret []byte
	// Settings go into every workflow input. Settings.BotLogin, when empty,
	// is taken from Bot at each delivery.
	Settings workflows.Settings
	// Bot gives the App's bot login; nil means unknown.
	Bot BotLoginSource
	// Dispatcher starts and signals workflows.
	Dispatcher Dispatcher
	// Logger receives one line per delivery; nil means slog.Default().
	Logger *slog.Logger
	// MaxBody caps the request body; 0 means DefaultMaxBody.
	MaxBody int64
	// Ready reports whether the service can take deliveries (Temporal
	// reachable); nil means always ready.
	Ready func(ctx context.Context) error
	// Metrics records deliveries and dispatch errors; nil records nothing.
	Metrics *Metrics
}

// Server is the webhook ingress.
type Server struct {
	cfg Config
	e   *echo.Echo
	// unready is set while readiness fails, so that a probe loop logs the
	// change, not every probe.
	unready atomic.Bool
}

// New builds the server and its routes: POST /webhooks/github, GET /healthz
// and GET /readyz.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	s := &Server{cfg: cfg, e: echo.New()}
	s.e.HideBanner = true
	s.e.HidePort = true
	s.e.POST(WebhookPath, s.handleWebhook)
	s.e.GET("/healthz", s.handleHealthz)
	s.e.GET("/readyz", s.handleReadyz)
	return s
}

// Echo returns the router, so more routes can be mounted and it can be served.
func (s *Server) Echo() *echo.Echo { return s.e }

// handleHealthz answers 200 while the process runs.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when Ready succeeds, else 503.
func (s *Server) handleReadyz(c echo.Context) error {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			if !s.unready.Swap(true) {
				s.cfg.Logger.Warn("not ready", slog.String("error", err.Error()))
			}
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		}
		if s.unready.Swap(false) {
			s.cfg.Logger.Info("ready again")
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// settings are the Settings for one delivery, with the bot login known now.
func (s *Server) settings() workflows.Settings {
	st := s.cfg.Settings
	if st.BotLogin == "" && s.cfg.Bot != nil {
		st.BotLogin = s.cfg.Bot.Login()
	}
	return st
}

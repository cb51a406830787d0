// Package activities holds every side effect of code-factory: calls to Coder
// and to GitHub. Workflows decide; activities do. Each activity is a method
// of Activities, registered once with the worker.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/activities/coder"
	ghapi "github.com/code-factory/code-factory/activities/github"
)

// Stable error types of non-retryable activity failures. Workflows and tests
// match them with errors.As into *temporal.ApplicationError and Type().
const (
	// ErrTypeTaskNotReady: the task did not become ready to take input in time.
	ErrTypeTaskNotReady = "TaskNotReady"
	// ErrTypeCoderClient: Coder refused a request (4xx other than 408/409/429).
	ErrTypeCoderClient = "CoderClientError"
	// ErrTypeBadInput: the activity was called with input it cannot act on.
	ErrTypeBadInput = "BadActivityInput"
)

// GitHubClients mints GitHub clients. Installation clients are minted per
// call from the installation id and never held by workflows.
type GitHubClients interface {
	// Installation returns a client authenticated as the App installation.
	Installation(installationID int64) (*ghapi.Client, error)
	// BotLogin returns the App's "<slug>[bot]" login.
	BotLogin(ctx context.Context) (string, error)
	// HookDeliveries pages the App's webhook delivery log, newest first.
	HookDeliveries(ctx context.Context, cursor string) ([]ghapi.HookDelivery, string, error)
	// Redeliver asks GitHub to deliver an attempt again.
	Redeliver(ctx context.Context, id int64) error
}

// Timing governs how long activities wait for a Coder task.
type Timing struct {
	// PollInterval is how often a waiting activity re-checks the task.
	PollInterval time.Duration
	// NullStateGrace is how long an active task with no reported state is
	// waited on before it counts as ready.
	NullStateGrace time.Duration
	// ErrorGrace is how long an errored or unknown task is tolerated.
	ErrorGrace time.Duration
	// ReadyTimeout is when a waiting input gives up.
	ReadyTimeout time.Duration
	// HeartbeatEvery is how often a waiting activity heartbeats while it
	// is inside a Coder call; 0 is a quarter of its heartbeat timeout.
	HeartbeatEvery time.Duration
}

// DefaultTiming is the production timing with the given poll interval.
func DefaultTiming(poll time.Duration) Timing {
	if poll <= 0 {
		poll = 5 * time.Second
	}
	return Timing{PollInterval: poll, NullStateGrace: 2 * time.Minute, ErrorGrace: 5 * time.Minute, ReadyTimeout: 30 * time.Minute}
}

// Activities holds the clients every activity uses. Register it once:
// worker.RegisterActivity(a).
type Activities struct {
	// Coder holds the Coder backends: the chosen one makes new runs, each
	// existing run is handled by the backend of its kind.
	Coder *coder.Backends
	// GitHub mints GitHub clients.
	GitHub GitHubClients
	// Timing of task waits.
	Timing Timing
	// Logger is the base logger; activities enrich it per call.
	Logger *slog.Logger
	// BotLoginOverride is APP_BOT_LOGIN, when set.
	BotLoginOverride string
	// ConfigTemplateName is CODE_FACTORY_TEMPLATE_NAME: the template of
	// repositories that have .code-factory/config.toml.
	ConfigTemplateName string
	// Schedules manages the Temporal Schedules of scheduled jobs.
	Schedules client.ScheduleClient
	// TaskQueue is where schedules start their job workflows.
	TaskQueue string
	// Workflows lists running workflows, for the sweep after an uninstall,
	// a deletion or a transfer.
	Workflows WorkflowLister
	// Slots starts and signals the per-repository slot workflows that cap
	// concurrent tasks; nil (unit tests) leaves the cap unenforced.
	Slots SlotSignaler
	// Metrics records the business metrics; nil records nothing.
	Metrics *Metrics
	// GitHubWebURL is GitHub's web root ("https://github.com/", or a GitHub
	// Enterprise host), ending in "/": links GitHub did not send are built
	// on it. Never hard-code github.com.
	GitHubWebURL string

	botMu    sync.Mutex
	botLogin string
	// teams caches team memberships (allowed_teams).
	teams teamCache
}

// New returns Activities with the given clients.
func New(backend *coder.Backends, gh GitHubClients, timing Timing, logger *slog.Logger) *Activities {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Activities{Coder: backend, GitHub: gh, Timing: timing, Logger: logger}
}

// bot returns the App's bot login, cached after the first success.
func (a *Activities) bot(ctx context.Context) (string, error) {
	if a.BotLoginOverride != "" {
		return a.BotLoginOverride, nil
	}
	a.botMu.Lock()
	defer a.botMu.Unlock()
	if a.botLogin != "" {
		return a.botLogin, nil
	}
	login, err := a.GitHub.BotLogin(ctx)
	if err != nil {
		return "", ghapi.Classify(fmt.Errorf("look up the App's bot login: %w", err))
	}
	a.botLogin = login
	return login, nil
}

// logger is the base logger enriched with the activity's type, workflow
// and attempt when ctx is an activity's.
func (a *Activities) logger(ctx context.Context) *slog.Logger {
	l := a.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	if !activity.IsActivity(ctx) {
		return l
	}
	info := activity.GetInfo(ctx)
	return l.With("activity", info.ActivityType.Name, "workflow_id", info.WorkflowExecution.ID, "attempt", info.Attempt)
}

// installation mints a client for one installation.
func (a *Activities) installation(id int64) (*ghapi.Client, error) {
	if id == 0 {
		return nil, temporal.NewNonRetryableApplicationError("no installation id", ErrTypeBadInput, nil)
	}
	c, err := a.GitHub.Installation(id)
	if err != nil {
		return nil, fmt.Errorf("github installation %d: %w", id, err)
	}
	return c, nil
}

// classifyCoder turns Coder client errors into Temporal errors: 4xx other
// than 408/409/429 are non-retryable, and so are requests that can never
// succeed as made (no such preset, no template, a spec missing its parts, a
// GitHub user id that cannot exist); a refused minted token and everything
// else are retried.
// retryable reports whether err is not a non-retryable application error.
func retryable(err error) bool {
	var ae *temporal.ApplicationError
	return !errors.As(err, &ae) || !ae.NonRetryable()
}

func classifyCoder(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) || errors.Is(err, coder.ErrTokenRefused) {
		return err
	}
	for _, never := range []error{coder.ErrPresetNotFound, coder.ErrNoTemplate, coder.ErrBadSpec, coder.ErrInvalidGitHubUser} {
		if errors.Is(err, never) {
			return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeCoderClient, err)
		}
	}
	var ce *coder.Error
	if errors.As(err, &ce) && ce.StatusCode >= 400 && ce.StatusCode < 500 {
		switch ce.StatusCode {
		case 408, 409, 429:
			return err
		}
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeCoderClient, err)
	}
	return err
}

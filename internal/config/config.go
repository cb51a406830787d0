// Package config loads code-factory's settings from the environment. The
// variable names are the ones xmtplabs/coder-action used, so a deployment can
// switch in place. Problems are reported one per line, naming the variable and
// never its value.
package config

import (
	"os"
	"strings"
	"time"
)

// Needs says which groups of credentials the calling command cannot run
// without. A group that is not needed is still validated when any of its
// variables is set.
type Needs uint8

const (
	// NeedGitHub requires the GitHub App credentials (APP_ID and PRIVATE_KEY
	// or PRIVATE_KEY_FILE) and AGENT_GITHUB_USERNAME.
	NeedGitHub Needs = 1 << iota
	// NeedCoder requires CODER_URL and CODER_TOKEN.
	NeedCoder
	// NeedWebhook requires WEBHOOK_SECRET and AGENT_GITHUB_USERNAME.
	NeedWebhook
)

// NeedAll requires every credential.
const NeedAll = NeedGitHub | NeedCoder | NeedWebhook

// Defaults for optional variables.
const (
	DefaultGitHubAPIURL            = "https://api.github.com/"
	DefaultCoderOrganization       = "default"
	DefaultCoderTemplateName       = "task-template"
	DefaultCodeFactoryTemplateName = "code-factory"
	DefaultCoderTaskNamePrefix     = "gh"
	DefaultTemporalAddress         = "127.0.0.1:7233"
	DefaultTemporalNamespace       = "default"
	DefaultTemporalTaskQueue       = "code-factory"
	DefaultPort                    = 8080
	DefaultCoderPollInterval       = 5 * time.Second
	DefaultCoderBackend            = "auto"
	DefaultCoderChatIdentity       = "assigner"
	DefaultCoderWatchInterval      = 30 * time.Second
	DefaultPermissionCacheTTL      = 10 * time.Minute
	DefaultWorkerStopTimeout       = 30 * time.Second
	DefaultWorkflowCacheSize       = 2000
	DefaultTemporalLostAfter       = 2 * time.Minute
	DefaultRedeliveryInterval      = 5 * time.Minute
	DefaultLogFormat               = "json"
	DefaultLogLevel                = "info"
)

// Bounds of CODER_POLL_INTERVAL: faster would hammer Coder, slower would
// outlast a waiting activity's heartbeat timeout.
const (
	MinPollInterval = 100 * time.Millisecond
	MaxPollInterval = 30 * time.Second
)

// MaxTaskNamePrefixLen is the longest CODER_TASK_NAME_PREFIX accepted; it
// leaves room for the repository and issue number in Coder's 32-character
// task names.
const MaxTaskNamePrefixLen = 20

// Config is the validated configuration. Secret fields are redacted by
// LogValue and String; never print them any other way.
type Config struct {
	// AppID is the GitHub App id (APP_ID); 0 when unset.
	AppID int64
	// PrivateKey is the App's RSA private key in PEM form (PKCS#1 or
	// PKCS#8), from PRIVATE_KEY or PRIVATE_KEY_FILE; nil when unset.
	PrivateKey []byte
	// WebhookSecret is the webhook HMAC secret (WEBHOOK_SECRET); nil when unset.
	WebhookSecret []byte
	// GitHubAPIURL is the REST base URL, always ending in "/".
	GitHubAPIURL string
	// GitHubWebURL is GitHub's web root derived from GitHubAPIURL, ending
	// in "/": the fallback for links when a payload has no html_url.
	GitHubWebURL string
	// GitHubGraphQLURL is the GraphQL endpoint.
	GitHubGraphQLURL string
	// AgentGitHubUsername is the coding agent's GitHub login.
	AgentGitHubUsername string
	// AppBotLogin is the App's "<slug>[bot]" login; empty means look it up
	// with GET /app.
	AppBotLogin string
	// CoderURL is the Coder deployment URL without a trailing slash; empty
	// when unset.
	CoderURL string
	// CoderToken is the Coder API token; empty when unset.
	CoderToken string
	// CoderOrganization is the Coder organization name.
	CoderOrganization string
	// CoderTemplateName is the template for repositories without
	// .code-factory/config.toml.
	CoderTemplateName string
	// CoderTemplatePreset is the template preset; empty means the template's
	// default preset.
	CoderTemplatePreset string
	// CodeFactoryTemplateName is the template for repositories that have
	// .code-factory/config.toml.
	CodeFactoryTemplateName string
	// CoderTaskNamePrefix starts every Coder task name.
	CoderTaskNamePrefix string
	// TemporalAddress is the Temporal frontend host:port.
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace.
	TemporalNamespace string
	// TemporalTaskQueue is the task queue workflows and activities run on.
	TemporalTaskQueue string
	// Port is the ingress HTTP listen port.
	Port int
	// CoderPollInterval is how often Coder task state is polled.
	CoderPollInterval time.Duration
	// CoderBackend is "auto" (probe the deployment), "tasks" or "chats".
	CoderBackend string
	// CoderChatIdentity is whose account chats run as: "assigner" (a token
	// minted for the person who asked) or "service" (CODER_TOKEN's user).
	CoderChatIdentity string
	// CoderWatchInterval is how soon an idle chat is first checked for an
	// error and its pull request.
	CoderWatchInterval time.Duration
	// PermissionCacheTTL is how long a commenter's permission is trusted
	// before it is checked again.
	PermissionCacheTTL time.Duration
	// TemporalUIURL is the Temporal Web UI's base URL, linked from the
	// issue when a workflow fails; empty for none.
	TemporalUIURL string
	// CallTimeout bounds one Coder or GitHub call's activity attempt (0: a
	// minute). No variable sets it; tests shorten it to see a lost
	// worker's call retried soon.
	CallTimeout time.Duration
	// EventsPerRun is when an issue workflow run continues as new (0: 500).
	// No variable sets it; tests lower it to record a continued run.
	EventsPerRun int
	// MaxRunEvents bounds one issue workflow run's history (0: 10,000). No
	// variable sets it; tests lower it.
	MaxRunEvents int
	// WorkerStopTimeout is how long a stopping worker lets running
	// activities finish (WORKER_STOP_TIMEOUT, default 30s), so a send in
	// flight is not cut halfway.
	WorkerStopTimeout time.Duration
	// WorkflowCacheSize is how many open workflow runs the worker keeps in
	// memory (WORKFLOW_CACHE_SIZE, default 2000; the SDK's own default is
	// 10,000). A run not kept replays its history on its next event.
	WorkflowCacheSize int
	// TemporalLostAfter is how long a worker stays up with Temporal
	// unreachable before it exits non-zero (TEMPORAL_LOST_AFTER, default 2m).
	TemporalLostAfter time.Duration
	// HealthPort is where a worker-only process serves /healthz, /readyz
	// and /metrics (HEALTH_PORT; 0: none).
	HealthPort int
	// RedeliveryInterval is how often the redelivery reconciler runs
	// (REDELIVERY_INTERVAL, default 5m; 0 turns it off).
	RedeliveryInterval time.Duration
	// PprofAddr serves net/http/pprof when set (PPROF_ADDR, e.g.
	// 127.0.0.1:6060); empty for none.
	PprofAddr string
	// OTLPEndpoint turns on OpenTelemetry tracing to that collector
	// (OTEL_EXPORTER_OTLP_ENDPOINT); empty for none.
	OTLPEndpoint string
	// LogFormat is "json" or "text".
	LogFormat string
	// LogLevel is "debug", "info", "warn" or "error".
	LogLevel string
}

// Error lists every configuration problem found, one per line. No line
// contains the value of a variable.
type Error struct {
	// Problems holds one message per problem, each naming its variable.
	Problems []string
}

// Error joins the problems with newlines.
func (e *Error) Error() string {
	return strings.Join(e.Problems, "\n")
}

// Simulated reports whether neither Coder nor GitHub App credentials are
// configured; `dev` then runs against the in-repo fakes.
func (c *Config) Simulated() bool {
	return c.CoderURL == "" && c.AppID == 0 && len(c.PrivateKey) == 0
}

// loader accumulates problems while reading variables.
type loader struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)
	problems []string
}

// get returns the variable with surrounding white space removed.
func (l *loader) get(name string) string {
	return strings.TrimSpace(l.getenv(name))
}

// problem records one problem for a variable.
func (l *loader) problem(name, msg string) {
	l.problems = append(l.problems, name+": "+msg)
}

// Load reads and validates the configuration. getenv and readFile default to
// os.Getenv and os.ReadFile when nil. needs selects which credential groups
// must be present. On failure the error is an *Error.
func Load(getenv func(string) string, readFile func(string) ([]byte, error), needs Needs) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	l := &loader{getenv: getenv, readFile: readFile}
	c := &Config{}

	l.loadGitHub(c, needs)
	l.loadCoder(c, needs)
	l.loadRuntime(c)

	if len(l.problems) > 0 {
		return nil, &Error{Problems: l.problems}
	}
	return c, nil
}

// loadGitHub reads the GitHub App, webhook and GitHub URL settings.
func (l *loader) loadGitHub(c *Config, needs Needs) {
	appID := l.get("APP_ID")
	keyText := l.getenv("PRIVATE_KEY")
	keyFile := l.get("PRIVATE_KEY_FILE")
	haveKey := strings.TrimSpace(keyText) != "" || keyFile != ""
	appRequired := needs&NeedGitHub != 0 || appID != "" || haveKey

	switch {
	case appID != "":
		c.AppID = l.appID(appID)
	case appRequired:
		l.problem("APP_ID", "is required")
	}
	switch {
	case haveKey:
		c.PrivateKey = l.privateKey(keyText, keyFile)
	case appRequired:
		l.problem("PRIVATE_KEY", "is required (or set PRIVATE_KEY_FILE)")
	}

	if s := l.getenv("WEBHOOK_SECRET"); s != "" {
		c.WebhookSecret = []byte(s)
	} else if needs&NeedWebhook != 0 {
		l.problem("WEBHOOK_SECRET", "is required")
	}

	c.AgentGitHubUsername = l.get("AGENT_GITHUB_USERNAME")
	switch {
	case c.AgentGitHubUsername != "":
		if !validLogin(c.AgentGitHubUsername) {
			l.problem("AGENT_GITHUB_USERNAME", "is not a valid GitHub login")
		}
	case needs&(NeedGitHub|NeedWebhook) != 0:
		l.problem("AGENT_GITHUB_USERNAME", "is required")
	}

	c.AppBotLogin = l.get("APP_BOT_LOGIN")
	if c.AppBotLogin != "" && !validBotLogin(c.AppBotLogin) {
		l.problem("APP_BOT_LOGIN", `must look like "<app-slug>[bot]"`)
	}

	c.GitHubAPIURL = DefaultGitHubAPIURL
	if v := l.get("GITHUB_API_URL"); v != "" {
		if u, ok := l.httpURL("GITHUB_API_URL", v); ok {
			c.GitHubAPIURL = strings.TrimRight(u, "/") + "/"
		}
	}
	if v := l.get("GITHUB_GRAPHQL_URL"); v != "" {
		if u, ok := l.httpURL("GITHUB_GRAPHQL_URL", v); ok {
			c.GitHubGraphQLURL = u
		}
	} else {
		c.GitHubGraphQLURL = graphQLURL(c.GitHubAPIURL)
	}
	c.GitHubWebURL = webURL(c.GitHubAPIURL)
}

// loadCoder reads the Coder settings.
func (l *loader) loadCoder(c *Config, needs Needs) {
	coderURL := l.get("CODER_URL")
	c.CoderToken = l.getenv("CODER_TOKEN")
	required := needs&NeedCoder != 0 || coderURL != "" || c.CoderToken != ""
	switch {
	case coderURL != "":
		if u, ok := l.httpURL("CODER_URL", coderURL); ok {
			c.CoderURL = strings.TrimRight(u, "/")
		}
	case required:
		l.problem("CODER_URL", "is required")
	}
	if c.CoderToken == "" && required {
		l.problem("CODER_TOKEN", "is required")
	}

	c.CoderOrganization = l.orDefault("CODER_ORGANIZATION", DefaultCoderOrganization)
	c.CoderTemplateName = l.orDefault("CODER_TEMPLATE_NAME", DefaultCoderTemplateName)
	c.CoderTemplatePreset = l.get("CODER_TEMPLATE_PRESET")
	c.CodeFactoryTemplateName = l.orDefault("CODE_FACTORY_TEMPLATE_NAME", DefaultCodeFactoryTemplateName)
	c.CoderTaskNamePrefix = l.orDefault("CODER_TASK_NAME_PREFIX", DefaultCoderTaskNamePrefix)
	if !validTaskNamePrefix(c.CoderTaskNamePrefix) {
		l.problem("CODER_TASK_NAME_PREFIX", "must match ^[a-z0-9][a-z0-9-]*$ and be at most 20 characters")
	}
	c.CoderPollInterval = l.boundedDuration("CODER_POLL_INTERVAL", DefaultCoderPollInterval, MinPollInterval, MaxPollInterval)
	c.CoderBackend = strings.ToLower(l.orDefault("CODER_BACKEND", DefaultCoderBackend))
	switch c.CoderBackend {
	case "auto", "tasks", "chats":
	default:
		l.problem("CODER_BACKEND", `must be "auto", "tasks" or "chats"`)
	}
	c.CoderChatIdentity = strings.ToLower(l.orDefault("CODER_CHAT_IDENTITY", DefaultCoderChatIdentity))
	if c.CoderChatIdentity != "assigner" && c.CoderChatIdentity != "service" {
		l.problem("CODER_CHAT_IDENTITY", `must be "assigner" or "service"`)
	}
	c.CoderWatchInterval = l.boundedDuration("CODER_WATCH_INTERVAL", DefaultCoderWatchInterval, MinPollInterval, 10*time.Minute)
}

// loadRuntime reads the Temporal, listener and logging settings.
func (l *loader) loadRuntime(c *Config) {
	c.TemporalAddress = l.orDefault("TEMPORAL_ADDRESS", DefaultTemporalAddress)
	if !validHostPort(c.TemporalAddress) {
		l.problem("TEMPORAL_ADDRESS", "must be host:port")
	}
	c.TemporalNamespace = l.orDefault("TEMPORAL_NAMESPACE", DefaultTemporalNamespace)
	c.TemporalTaskQueue = l.orDefault("TEMPORAL_TASK_QUEUE", DefaultTemporalTaskQueue)
	if v := l.get("TEMPORAL_UI_URL"); v != "" {
		if u, ok := l.httpURL("TEMPORAL_UI_URL", v); ok {
			c.TemporalUIURL = strings.TrimRight(u, "/")
		}
	}
	c.PermissionCacheTTL = l.boundedDuration("PERMISSION_CACHE_TTL", DefaultPermissionCacheTTL, time.Second, 24*time.Hour)
	c.Port = l.port("PORT", DefaultPort)
	c.TemporalLostAfter = l.boundedDuration("TEMPORAL_LOST_AFTER", DefaultTemporalLostAfter, time.Second, time.Hour)
	c.WorkerStopTimeout = l.boundedDuration("WORKER_STOP_TIMEOUT", DefaultWorkerStopTimeout, time.Second, 10*time.Minute)
	c.WorkflowCacheSize = l.boundedInt("WORKFLOW_CACHE_SIZE", DefaultWorkflowCacheSize, 10, 100000)
	if l.get("HEALTH_PORT") != "" {
		c.HealthPort = l.port("HEALTH_PORT", 0)
	}
	if v := l.get("REDELIVERY_INTERVAL"); v == "0" {
		c.RedeliveryInterval = 0
	} else {
		c.RedeliveryInterval = l.boundedDuration("REDELIVERY_INTERVAL", DefaultRedeliveryInterval, time.Minute, 24*time.Hour)
	}
	if v := l.get("PPROF_ADDR"); v != "" {
		if !validHostPort(v) {
			l.problem("PPROF_ADDR", "must be host:port")
		}
		c.PprofAddr = v
	}
	if v := l.get("OTEL_EXPORTER_OTLP_ENDPOINT"); v != "" {
		if u, ok := l.httpURL("OTEL_EXPORTER_OTLP_ENDPOINT", v); ok {
			c.OTLPEndpoint = u
		}
	}

	c.LogFormat = strings.ToLower(l.orDefault("LOG_FORMAT", DefaultLogFormat))
	if _, err := parseFormat(c.LogFormat); err != nil {
		l.problem("LOG_FORMAT", `must be "json" or "text"`)
	}
	c.LogLevel = strings.ToLower(l.orDefault("LOG_LEVEL", DefaultLogLevel))
	if _, err := ParseLevel(c.LogLevel); err != nil {
		l.problem("LOG_LEVEL", "must be debug, info, warn or error")
	}
}

// orDefault returns the variable, or def when it is unset or blank.
func (l *loader) orDefault(name, def string) string {
	if v := l.get(name); v != "" {
		return v
	}
	return def
}

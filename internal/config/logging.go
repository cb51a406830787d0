package config

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// redacted stands in for a secret that is set.
const redacted = "[redacted]"

// ParseLevel turns "debug", "info", "warn" (or "warning") or "error", in any
// case, into a slog level. The empty string means info.
func ParseLevel(level string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	default:
		return 0, fmt.Errorf("unknown log level %q", level)
	}
}

// parseFormat checks a log format; the empty string means json.
func parseFormat(format string) (string, error) {
	switch f := strings.ToLower(strings.TrimSpace(format)); f {
	case "", "json":
		return "json", nil
	case "text", "pretty": // "pretty" is coder-action's name for it
		return "text", nil
	default:
		return "", fmt.Errorf("unknown log format %q", format)
	}
}

// NewLogger returns a logger writing to w in format "json" or "text" at the
// given level (see ParseLevel). Empty values mean json and info.
func NewLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	f, err := parseFormat(format)
	if err != nil {
		return nil, err
	}
	lvl, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if f == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}

// secret describes a secret for logs without revealing it.
func secret(set bool) string {
	if set {
		return redacted
	}
	return ""
}

// LogValue implements slog.LogValuer: every setting, with secrets replaced
// by "[redacted]" (or empty when unset).
func (c *Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("app_id", c.AppID),
		slog.String("private_key", secret(len(c.PrivateKey) > 0)),
		slog.String("webhook_secret", secret(len(c.WebhookSecret) > 0)),
		slog.String("github_api_url", c.GitHubAPIURL),
		slog.String("github_graphql_url", c.GitHubGraphQLURL),
		slog.String("agent_github_username", c.AgentGitHubUsername),
		slog.String("app_bot_login", c.AppBotLogin),
		slog.String("coder_url", c.CoderURL),
		slog.String("coder_token", secret(c.CoderToken != "")),
		slog.String("coder_organization", c.CoderOrganization),
		slog.String("coder_template_name", c.CoderTemplateName),
		slog.String("coder_template_preset", c.CoderTemplatePreset),
		slog.String("code_factory_template_name", c.CodeFactoryTemplateName),
		slog.String("coder_task_name_prefix", c.CoderTaskNamePrefix),
		slog.String("temporal_address", c.TemporalAddress),
		slog.String("temporal_namespace", c.TemporalNamespace),
		slog.String("temporal_task_queue", c.TemporalTaskQueue),
		slog.Int("port", c.Port),
		slog.Duration("coder_poll_interval", c.CoderPollInterval),
		slog.String("coder_backend", c.CoderBackend),
		slog.String("coder_chat_identity", c.CoderChatIdentity),
		slog.Duration("coder_watch_interval", c.CoderWatchInterval),
		slog.Duration("permission_cache_ttl", c.PermissionCacheTTL),
		slog.String("temporal_ui_url", c.TemporalUIURL),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", c.LogLevel),
		slog.Bool("simulated", c.Simulated()),
	)
}

// String renders the configuration with secrets redacted, so printing a
// Config with %v or %s is safe.
func (c *Config) String() string {
	return c.LogValue().String()
}

// GoString renders the configuration with secrets redacted, so %#v is safe.
func (c *Config) GoString() string {
	return c.String()
}

package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// DefaultLogLevel is the least severe level of Temporal's own logs that is
// passed on when Options.LogLevel is empty; the server is chatty below it.
const DefaultLogLevel = "warn"

// parseLevel turns debug, info, warn or error (any case) into a slog level;
// the empty string means DefaultLogLevel.
func parseLevel(level string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "", "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	default:
		return 0, fmt.Errorf("devserver: unknown log level %q", level)
	}
}

// minLevelHandler drops records below min before the wrapped handler sees
// them, so the server's logs can be quieter than the application's.
// The floor is shared, so Stop can silence the server's expected shutdown
// errors.
type minLevelHandler struct {
	inner slog.Handler
	min   *slog.LevelVar
}

// Enabled reports whether both the floor and the wrapped handler allow level.
func (h minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min.Level() && h.inner.Enabled(ctx, level)
}

// Handle passes the record on.
func (h minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

// WithAttrs keeps the floor on the derived handler.
func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{inner: h.inner.WithAttrs(attrs), min: h.min}
}

// WithGroup keeps the floor on the derived handler.
func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{inner: h.inner.WithGroup(name), min: h.min}
}

// serverLogger adapts slog to the Temporal server's log.Logger interface.
type serverLogger struct {
	l *slog.Logger
}

var (
	_ tlog.Logger      = serverLogger{}
	_ tlog.WithLogger  = serverLogger{}
	_ tlog.SLogWrapper = serverLogger{}
)

// silent is a floor no record reaches.
const silent = slog.Level(1 << 20)

// newServerLogger returns a Temporal logger writing to base at min or above,
// with every record marked component=temporal. Raising min later (see
// silent) affects every logger derived from it.
func newServerLogger(base *slog.Logger, min *slog.LevelVar) serverLogger {
	h := minLevelHandler{inner: base.Handler(), min: min}
	return serverLogger{l: slog.New(h).With("component", "temporal")}
}

// emit converts the tags to attributes and logs, skipping the conversion
// when the level is filtered out.
func (s serverLogger) emit(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if !s.l.Enabled(ctx, level) {
		return
	}
	s.l.LogAttrs(ctx, level, msg, attrs(tags)...)
}

// attrs turns Temporal tags into slog attributes.
func attrs(tags []tag.Tag) []slog.Attr {
	out := make([]slog.Attr, 0, len(tags))
	for _, t := range tags {
		if t == nil {
			continue
		}
		out = append(out, slog.Any(t.Key(), t.Value()))
	}
	return out
}

// Debug logs at debug level.
func (s serverLogger) Debug(msg string, tags ...tag.Tag) { s.emit(slog.LevelDebug, msg, tags) }

// Info logs at info level.
func (s serverLogger) Info(msg string, tags ...tag.Tag) { s.emit(slog.LevelInfo, msg, tags) }

// Warn logs at warn level.
func (s serverLogger) Warn(msg string, tags ...tag.Tag) { s.emit(slog.LevelWarn, msg, tags) }

// Error logs at error level.
func (s serverLogger) Error(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// DPanic logs at error level; like the server's production logger it does
// not panic.
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// Panic logs at error level, then panics with msg.
func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.emit(slog.LevelError, msg, tags)
	panic(msg)
}

// Fatal logs at error level, then exits the process with status 1, which is
// what the server expects of Fatal.
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.l.LogAttrs(context.Background(), slog.LevelError, msg, attrs(tags)...)
	os.Exit(1)
}

// With returns a logger that adds tags to every record.
func (s serverLogger) With(tags ...tag.Tag) tlog.Logger {
	args := make([]any, 0, len(tags))
	for _, a := range attrs(tags) {
		args = append(args, a)
	}
	return serverLogger{l: s.l.With(args...)}
}

// SLog exposes the underlying slog logger to server parts that log with slog.
func (s serverLogger) SLog() *slog.Logger {
	return s.l
}

package ingress

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/labstack/echo/v4"
)

// GitHub's webhook headers.
const (
	headerSignature = "X-Hub-Signature-256"
	headerEvent     = "X-GitHub-Event"
	headerDelivery  = "X-GitHub-Delivery"
)

// maxDeliveryIDLen bounds X-GitHub-Delivery (a GUID), which becomes part of
// workflow ids.
const maxDeliveryIDLen = 128

// Outcomes that are not a Decision's.
const (
	outcomeRejected = "rejected"
	outcomeError    = "error"
)

// result is how one delivery ended: the response and the log line.
type result struct {
	status     int
	outcome    string
	reason     string
	workflowID string
	// err is the internal error behind a 5xx; it is logged, never returned.
	err error
}

// seen is what process learnt of a delivery, for the metrics' labels: its
// event header, and whether its signature passed.
type seen struct {
	event    string
	verified bool
	decision Decision
}

// response is the JSON body answered to GitHub.
type response struct {
	Outcome    string `json:"outcome"`
	WorkflowID string `json:"workflow_id,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Error      string `json:"error,omitempty"`
}

// handleWebhook is POST /webhooks/github.
func (s *Server) handleWebhook(c echo.Context) error {
	start := time.Now()
	attrs := make([]any, 0, 16)
	var got seen
	res := s.process(c, &attrs, &got)
	s.cfg.Metrics.observe(got.event, got.verified, res.outcome, time.Since(start).Seconds())
	if res.status >= 500 && got.decision != nil {
		s.cfg.Metrics.dispatchError(got.decision, res.status == http.StatusServiceUnavailable)
	}

	body := response{Outcome: res.outcome, WorkflowID: res.workflowID}
	if res.status >= 400 {
		body.Error = res.reason
	} else {
		body.Reason = res.reason
	}

	level := slog.LevelInfo
	switch {
	case res.status >= 500:
		level = slog.LevelError
	case res.status >= 400:
		level = slog.LevelWarn
	}
	// One record, built only when it will be written: Logger.With would
	// format the delivery's attributes into a new handler on every request.
	if ctx := c.Request().Context(); s.cfg.Logger.Enabled(ctx, level) {
		line := append(attrs, slog.String("outcome", res.outcome))
		if res.workflowID != "" {
			line = append(line, slog.String("workflow_id", res.workflowID))
		}
		if res.reason != "" {
			line = append(line, slog.String("reason", res.reason))
		}
		if res.err != nil {
			line = append(line, slog.String("error", res.err.Error()))
		}
		line = append(line,
			slog.Int("status", res.status),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()))
		s.cfg.Logger.Log(ctx, level, "webhook delivery", line...)
	}

	return c.JSON(res.status, body)
}

// process runs the stages in order: read the capped body, verify the
// signature, require the event header, parse, classify, dispatch. Nothing
// but the body and the signature is looked at before the signature passes.
// The delivery's log attributes are appended to attrs as they become known.
func (s *Server) process(c echo.Context, attrs *[]any, got *seen) result {
	r := c.Request()

	// (1) The raw body, capped.
	if r.ContentLength > s.cfg.MaxBody {
		return reject(http.StatusRequestEntityTooLarge, "body too large")
	}
	raw, err := readBody(http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBody), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return reject(http.StatusRequestEntityTooLarge, "body too large")
		}
		return reject(http.StatusBadRequest, "cannot read body")
	}

	// (2) The signature, before any other header or the JSON.
	if reason := s.verify(r.Header.Get(headerSignature), raw); reason != "" {
		*attrs = append(*attrs, slog.String("delivery", clip(r.Header.Get(headerDelivery))))
		return reject(http.StatusUnauthorized, reason)
	}
	got.verified = true

	// (3) The event and delivery headers.
	event := r.Header.Get(headerEvent)
	delivery := r.Header.Get(headerDelivery)
	got.event = event
	*attrs = append(*attrs, slog.String("delivery", clip(delivery)), slog.String("event", clip(event)))
	if event == "" {
		return reject(http.StatusBadRequest, "missing "+headerEvent)
	}
	if !validDeliveryID(delivery) {
		return reject(http.StatusBadRequest, "missing or malformed "+headerDelivery)
	}

	// (4) The payload.
	if github.EventForType(event) == nil {
		return skipped("unhandled event " + event)
	}
	payload, err := parsePayload(event, raw)
	if err != nil {
		return reject(http.StatusBadRequest, "malformed JSON payload")
	}
	*attrs = append(*attrs, Summarize(payload).attrs()...)

	// (5) Classify.
	d := Classify(event, delivery, payload, ClassifyOptions{Settings: s.settings()})
	if skip, ok := d.(Skip); ok {
		return skipped(skip.Reason)
	}
	got.decision = d

	// (6) Dispatch. The delivery is verified, so finish it even if GitHub
	// hangs up; the dispatcher bounds each call.
	err = dispatch(context.WithoutCancel(r.Context()), s.cfg.Dispatcher, d)
	id := workflowID(d)
	switch {
	case err == nil:
		return result{status: http.StatusAccepted, outcome: d.Outcome(), workflowID: id}
	case errors.Is(err, ErrWorkflowFailed):
		return result{status: http.StatusOK, outcome: Skip{}.Outcome(), workflowID: id,
			reason: "the issue's workflow failed; its status comment says why (re-assign the agent to start again)"}
	case errors.Is(err, ErrNoWorkflow):
		if _, ok := d.(SignalIssue); ok {
			return result{status: http.StatusOK, outcome: Skip{}.Outcome(), reason: "no task for this issue", workflowID: id}
		}
	case errors.Is(err, ErrUnavailable):
		return result{status: http.StatusServiceUnavailable, outcome: outcomeError,
			reason: "workflow engine unavailable", workflowID: id, err: err}
	}
	return result{status: http.StatusInternalServerError, outcome: outcomeError,
		reason: "dispatch failed", workflowID: id, err: err}
}

// presizeMax bounds the buffer readBody allocates from a declared length
// before any byte arrives: the body is not yet authenticated, so a client
// declaring the cap must not cost the cap per connection.
const presizeMax = 1 << 20

// readBody reads the whole body into one buffer sized from its declared
// length (up to presizeMax; a longer body grows it), instead of growing
// it from nothing.
func readBody(body io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 {
		return io.ReadAll(body)
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, presizeMax)+bytes.MinRead))
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}

// verify checks the X-Hub-Signature-256 HMAC in constant time; it returns
// the rejection reason, or "" when the signature is valid.
func (s *Server) verify(signature string, body []byte) string {
	switch {
	case len(s.cfg.Secret) == 0:
		return "webhook secret not configured"
	case signature == "":
		return "missing signature"
	case !strings.HasPrefix(signature, "sha256="):
		return "invalid signature"
	case github.ValidateSignature(signature, body, s.cfg.Secret) != nil:
		return "invalid signature"
	}
	return ""
}

// reject is a 4xx result.
func reject(status int, reason string) result {
	return result{status: status, outcome: outcomeRejected, reason: reason}
}

// skipped is a 200 Skip result.
func skipped(reason string) result {
	return result{status: http.StatusOK, outcome: Skip{}.Outcome(), reason: reason}
}

// validDeliveryID accepts GitHub's delivery GUIDs: a short run of letters,
// digits, '-', '_' and '.', safe inside a workflow id.
func validDeliveryID(id string) bool {
	if id == "" || len(id) > maxDeliveryIDLen {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// clip bounds an untrusted header value before it is logged.
func clip(s string) string {
	const n = 64
	if len(s) > n {
		return s[:n]
	}
	return s
}

package ingress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	assignedFixture = "webhooks/issues/assigned.captured-to-agent.json"
	commentFixture  = "webhooks/issue_comment/created.captured-on-issue.json"
)

func TestWebhookStageOrder(t *testing.T) {
	valid := own(t, assignedFixture)
	malformed := []byte(`{"action": "assigned", `)
	cases := []struct {
		name    string
		d       delivery
		maxBody int64
		status  int
		reason  string
	}{
		{"unsigned malformed JSON", delivery{event: "issues", body: malformed}, 0, 401, "missing signature"},
		{"unsigned without event header", delivery{body: malformed, noEvent: true, noID: true}, 0, 401, "missing signature"},
		{"signed without event header", func() delivery { d := signed("", malformed); d.noEvent = true; return d }(), 0, 400, "missing X-GitHub-Event"},
		{"signed malformed JSON", signed("issues", malformed), 0, 400, "malformed JSON payload"},
		{"signed without delivery id", func() delivery { d := signed("issues", valid); d.noID = true; return d }(), 0, 400, "missing or malformed X-GitHub-Delivery"},
		{"signed with odd delivery id", func() delivery { d := signed("issues", valid); d.id = "a/b"; return d }(), 0, 400, "missing or malformed X-GitHub-Delivery"},
		{"body over the cap", signed("issues", valid), 64, 413, "body too large"},
		{"body over the cap, unsigned", delivery{event: "issues", body: valid}, 64, 413, "body too large"},
		{"bad signature", delivery{event: "issues", body: valid, signature: "sha256=00ff"}, 0, 401, "invalid signature"},
		{"not hex", delivery{event: "issues", body: valid, signature: "sha256=zz"}, 0, 401, "invalid signature"},
		{"sha1 signature", delivery{event: "issues", body: valid, signature: "sha1=" + strings.TrimPrefix(sign(testSecret, valid), "sha256=")}, 0, 401, "invalid signature"},
		{"wrong secret", delivery{event: "issues", body: valid, signature: sign([]byte("other-secret"), valid)}, 0, 401, "invalid signature"},
		{"signature of another body", delivery{event: "issues", body: valid, signature: sign(testSecret, malformed)}, 0, 401, "invalid signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			srv, _ := newTestServer(t, rec, func(c *Config) { c.MaxBody = tc.maxBody })
			res := post(srv, tc.d)
			if res.Code != tc.status {
				t.Fatalf("status = %d, want %d (body %s)", res.Code, tc.status, res.Body)
			}
			if r := decodeResponse(t, res); r.Error != tc.reason || r.Outcome != outcomeRejected {
				t.Errorf("response = %+v, want error %q", r, tc.reason)
			}
			if n := len(rec.recorded()); n != 0 {
				t.Errorf("%d dispatcher calls on a rejected delivery", n)
			}
		})
	}
}

func TestWebhookEmptySecretRejectsEverything(t *testing.T) {
	body := own(t, assignedFixture)
	rec := newRecorder()
	srv, _ := newTestServer(t, rec, func(c *Config) { c.Secret = nil })
	res := post(srv, delivery{event: "issues", body: body, signature: sign(nil, body)})
	if res.Code != http.StatusUnauthorized || len(rec.recorded()) != 0 {
		t.Fatalf("status = %d, calls = %d", res.Code, len(rec.recorded()))
	}
}

func TestWebhookAssignedStartsIssue(t *testing.T) {
	rec := newRecorder()
	srv, _ := newTestServer(t, rec, func(c *Config) { c.Bot = staticBot("code-factory[bot]") })
	d := signed("issues", own(t, assignedFixture))
	d.id = "delivery-abc"
	res := post(srv, d)
	if res.Code != http.StatusAccepted {
		t.Fatalf("status = %d (%s)", res.Code, res.Body)
	}
	want := response{Outcome: "started", WorkflowID: "gh-xmtplabs/coder-action-65"}
	if r := decodeResponse(t, res); r != want {
		t.Errorf("response = %+v, want %+v", r, want)
	}
	calls := rec.recorded()
	if len(calls) != 1 || calls[0].method != "SignalWithStartIssue" {
		t.Fatalf("calls = %+v", calls)
	}
	si, ok := calls[0].decision.(StartIssue)
	if !ok || si.WorkflowID != want.WorkflowID || si.Event.DeliveryID != "delivery-abc" || si.Event.Sender.Login != "neekolas" {
		t.Errorf("decision = %+v", calls[0].decision)
	}
	if si.Input.Settings.BotLogin != "code-factory[bot]" || si.Input.Settings.AgentLogin != capturedAgent {
		t.Errorf("settings = %+v", si.Input.Settings)
	}
}

func TestWebhookDispatchesEachDecisionKind(t *testing.T) {
	cases := []struct {
		event, rel, method, outcome string
	}{
		{"issues", "webhooks/issues/closed.captured.json", "SignalIssue", "signalled"},
		{"issue_comment", commentFixture, "SignalIssue", "signalled"},
		{"issue_comment", "webhooks/issue_comment/created.captured-on-agent-pr.json", "SignalWithStartPRRelay", "signalled"},
		{"workflow_run", "webhooks/workflow_run/completed.captured-failure.json", "StartRelay", "started"},
		{"push", "", "SignalWithStartConfig", "started"},
	}
	for _, tc := range cases {
		t.Run(tc.method+"/"+tc.rel, func(t *testing.T) {
			var body []byte
			if tc.rel == "" {
				body = pushWith(t, []string{"added"}, nil)
			} else {
				body = own(t, tc.rel)
			}
			rec := newRecorder()
			srv, _ := newTestServer(t, rec, nil)
			res := post(srv, signed(tc.event, body))
			if res.Code != http.StatusAccepted {
				t.Fatalf("status = %d (%s)", res.Code, res.Body)
			}
			calls := rec.recorded()
			if len(calls) != 1 || calls[0].method != tc.method {
				t.Fatalf("calls = %+v", calls)
			}
			r := decodeResponse(t, res)
			if r.Outcome != tc.outcome || r.WorkflowID != workflowID(calls[0].decision) || r.WorkflowID == "" {
				t.Errorf("response = %+v", r)
			}
		})
	}
}

func TestWebhookSkips(t *testing.T) {
	cases := []struct {
		name, event string
		body        []byte
		reason      string
	}{
		{"ping", "ping", own(t, "webhooks/ping/payload.json"), "pong"},
		{"event go-github does not know", "some_future_event", []byte(`{"not":"parsed"`), "unhandled event some_future_event"},
		{"empty review", "pull_request_review", own(t, "webhooks/pull_request_review/submitted.captured-empty-body.json"), "review body is empty"},
		{"successful run", "workflow_run", own(t, "webhooks/workflow_run/completed.captured-success.json"), `workflow run conclusion is "success", not "failure"`},
		{"comment by the agent", "issue_comment", editJSON(t, commentFixture, func(m map[string]any) {
			obj(t, obj(t, m, "comment"), "user")["login"] = capturedAgent
		}), "comment by the agent/bot"},
		{"comment by the bot", "issue_comment", editJSON(t, commentFixture, func(m map[string]any) {
			obj(t, obj(t, m, "comment"), "user")["login"] = "code-factory[bot]"
		}), "comment by the agent/bot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			srv, _ := newTestServer(t, rec, func(c *Config) { c.Bot = staticBot("code-factory[bot]") })
			res := post(srv, signed(tc.event, tc.body))
			if res.Code != http.StatusOK {
				t.Fatalf("status = %d (%s)", res.Code, res.Body)
			}
			if r := decodeResponse(t, res); r != (response{Outcome: "skipped", Reason: tc.reason}) {
				t.Errorf("response = %+v, want reason %q", r, tc.reason)
			}
			if n := len(rec.recorded()); n != 0 {
				t.Errorf("%d dispatcher calls on a skip", n)
			}
		})
	}
}

func TestWebhookDispatchErrors(t *testing.T) {
	cases := []struct {
		name, event, rel, method string
		err                      error
		status                   int
		outcome, reason, errText string
	}{
		{"signal without a task", "issue_comment", commentFixture, "SignalIssue",
			fmt.Errorf("x: %w", ErrNoWorkflow), 200, "skipped", "no task for this issue", ""},
		{"signal after the workflow failed", "issue_comment", commentFixture, "SignalIssue",
			fmt.Errorf("x: %w", ErrWorkflowFailed), 200, "skipped", "the issue's workflow failed; its status comment says why (re-assign the agent to start again)", ""},
		{"temporal unavailable", "issues", assignedFixture, "SignalWithStartIssue",
			fmt.Errorf("x: %w", ErrUnavailable), 503, "error", "", "workflow engine unavailable"},
		{"temporal unavailable on signal", "issue_comment", commentFixture, "SignalIssue",
			fmt.Errorf("x: %w", ErrUnavailable), 503, "error", "", "workflow engine unavailable"},
		{"other error", "issues", assignedFixture, "SignalWithStartIssue",
			errors.New("boom " + string(testSecret)), 500, "error", "", "dispatch failed"},
		{"no workflow on a start is a failure", "issues", assignedFixture, "SignalWithStartIssue",
			ErrNoWorkflow, 500, "error", "", "dispatch failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			rec.errs[tc.method] = tc.err
			srv, _ := newTestServer(t, rec, nil)
			res := post(srv, signed(tc.event, own(t, tc.rel)))
			if res.Code != tc.status {
				t.Fatalf("status = %d, want %d (%s)", res.Code, tc.status, res.Body)
			}
			r := decodeResponse(t, res)
			if r.Outcome != tc.outcome || r.Reason != tc.reason || r.Error != tc.errText {
				t.Errorf("response = %+v", r)
			}
			if strings.Contains(res.Body.String(), string(testSecret)) {
				t.Errorf("response leaks the secret: %s", res.Body)
			}
			if len(rec.recorded()) != 1 {
				t.Errorf("calls = %+v", rec.recorded())
			}
		})
	}
}

func TestHealthAndReady(t *testing.T) {
	var readyErr error
	srv, logs := newTestServer(t, newRecorder(), func(c *Config) {
		c.Ready = func(context.Context) error { return readyErr }
	})
	get := func(p string) int {
		rec := httptest.NewRecorder()
		srv.Echo().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		return rec.Code
	}
	if c := get("/healthz"); c != 200 {
		t.Errorf("healthz = %d", c)
	}
	if c := get("/readyz"); c != 200 {
		t.Errorf("readyz (ready) = %d", c)
	}
	readyErr = errors.New("temporal down")
	if c := get("/readyz"); c != 503 {
		t.Errorf("readyz (not ready) = %d", c)
	}
	if c := get("/healthz"); c != 200 {
		t.Errorf("healthz while not ready = %d", c)
	}
	// A probe loop logs the change, not every probe.
	for range 5 {
		get("/readyz")
	}
	if n := strings.Count(logs.String(), `"msg":"not ready"`); n != 1 {
		t.Errorf("%d not-ready lines for 6 failed probes, want 1:\n%s", n, logs)
	}
	readyErr = nil
	if c := get("/readyz"); c != 200 || !strings.Contains(logs.String(), `"msg":"ready again"`) {
		t.Errorf("readyz after recovery = %d, logs:\n%s", c, logs)
	}
}

func TestWebhookLogsOneLinePerDelivery(t *testing.T) {
	rec := newRecorder()
	srv, logs := newTestServer(t, rec, nil)
	body := own(t, commentFixture)
	d := signed("issue_comment", body)
	d.id = "delivery-log-1"
	if res := post(srv, d); res.Code != http.StatusAccepted {
		t.Fatalf("status = %d", res.Code)
	}
	bad := delivery{event: "issues", id: "delivery-log-2", body: body, signature: "sha256=0011"}
	if res := post(srv, bad); res.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d", res.Code)
	}

	out := logs.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), out)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"delivery": "delivery-log-1", "event": "issue_comment", "action": "created",
		"installation": float64(118770088), "repo": "xmtplabs/coder-action", "number": float64(65),
		"outcome": "signalled", "workflow_id": "gh-xmtplabs/coder-action-65", "status": float64(202),
	}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("log %s = %v, want %v", k, first[k], v)
		}
	}
	if _, ok := first["duration_ms"]; !ok {
		t.Error("no duration_ms")
	}
	if !strings.Contains(lines[1], `"outcome":"rejected"`) || !strings.Contains(lines[1], "delivery-log-2") {
		t.Errorf("rejection line = %s", lines[1])
	}
	for _, leak := range []string{string(testSecret), "Can you also handle the edge case", "sha256="} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
}

// staticBot is a fixed BotLoginSource.
type staticBot string

func (s staticBot) Login() string { return string(s) }

// Ensure the recorder satisfies the interface the server needs.
var _ Dispatcher = (*recordingDispatcher)(nil)

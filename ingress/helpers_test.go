package ingress

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/code-factory/code-factory/workflows"
)

// testSecret signs every test delivery.
var testSecret = []byte("s3cr3t-webhook-key-for-tests")

// capturedAgent is the agent user of the captured coder-action fixtures.
const capturedAgent = "xmtp-coder-agent"

// sign returns the X-Hub-Signature-256 value of body under key.
func sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// call is one recorded Dispatcher call.
type call struct {
	method   string
	decision Decision
}

// recordingDispatcher records calls and answers with the configured errors.
type recordingDispatcher struct {
	mu    sync.Mutex
	calls []call
	errs  map[string]error
}

func newRecorder() *recordingDispatcher { return &recordingDispatcher{errs: map[string]error{}} }

func (r *recordingDispatcher) record(method string, d Decision) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{method, d})
	return r.errs[method]
}

func (r *recordingDispatcher) SignalWithStartIssue(_ context.Context, d StartIssue) error {
	return r.record("SignalWithStartIssue", d)
}

func (r *recordingDispatcher) SignalIssue(_ context.Context, d SignalIssue) error {
	return r.record("SignalIssue", d)
}

func (r *recordingDispatcher) StartRelay(_ context.Context, d StartRelay) error {
	return r.record("StartRelay", d)
}

func (r *recordingDispatcher) SignalWithStartPRRelay(_ context.Context, d StartPRRelay) error {
	return r.record("SignalWithStartPRRelay", d)
}

func (r *recordingDispatcher) StartSweep(_ context.Context, d StartSweep) error {
	return r.record("StartSweep", d)
}

func (r *recordingDispatcher) SignalWithStartConfig(_ context.Context, d StartConfig) error {
	return r.record("SignalWithStartConfig", d)
}

func (r *recordingDispatcher) recorded() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testSettings are the settings of the captured fixtures.
func testSettings() workflows.Settings {
	return workflows.Settings{TaskNamePrefix: "gh", AgentLogin: capturedAgent}
}

// newTestServer builds a server on disp, logging JSON into the returned buffer.
func newTestServer(t testing.TB, disp Dispatcher, mod func(*Config)) (*Server, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	cfg := Config{
		Secret:     testSecret,
		Settings:   testSettings(),
		Dispatcher: disp,
		Logger:     slog.New(slog.NewJSONHandler(buf, nil)),
	}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg), buf
}

// delivery is one request to post.
type delivery struct {
	event, id, signature string
	body                 []byte
	noEvent, noID        bool
}

// post sends d to the webhook route.
func post(srv *Server, d delivery) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(d.body))
	req.Header.Set("Content-Type", "application/json")
	if d.signature != "" {
		req.Header.Set(headerSignature, d.signature)
	}
	if !d.noEvent {
		req.Header.Set(headerEvent, d.event)
	}
	if !d.noID {
		id := d.id
		if id == "" {
			id = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
		}
		req.Header.Set(headerDelivery, id)
	}
	rec := httptest.NewRecorder()
	srv.Echo().ServeHTTP(rec, req)
	return rec
}

// signed is a correctly signed delivery of body.
func signed(event string, body []byte) delivery {
	return delivery{event: event, body: body, signature: sign(testSecret, body)}
}

// decodeResponse decodes the JSON answer.
func decodeResponse(t *testing.T, rec *httptest.ResponseRecorder) response {
	t.Helper()
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response %q is not JSON: %v", rec.Body.String(), err)
	}
	return r
}

// editJSON decodes a fixture into a generic map, lets edit change it and
// encodes it again. The fixture file itself is never changed.
func editJSON(t testing.TB, rel string, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(own(t, rel), &m); err != nil {
		t.Fatalf("fixture %s: %v", rel, err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj returns m[key] as an object.
func obj(t testing.TB, m map[string]any, key string) map[string]any {
	t.Helper()
	o, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("key %q is not an object", key)
	}
	return o
}

// classifyBytes parses body as event and classifies it.
func classifyBytes(t testing.TB, event string, body []byte, s workflows.Settings) Decision {
	t.Helper()
	payload, err := parsePayload(event, body)
	if err != nil {
		t.Fatalf("parse %s: %v", event, err)
	}
	return Classify(event, "delivery-1", payload, ClassifyOptions{Settings: s})
}

// classifyFixture classifies the project's own payload named rel.
func classifyFixture(t testing.TB, event, rel string, s workflows.Settings) Decision {
	t.Helper()
	return classifyBytes(t, event, own(t, rel), s)
}

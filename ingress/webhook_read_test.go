package ingress

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// postUnsized sends d with no declared length, as a chunked request would
// arrive.
func postUnsized(srv *Server, d delivery) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, WebhookPath, io.NopCloser(bytes.NewReader(d.body)))
	req.ContentLength = -1
	req.Header.Set(headerSignature, d.signature)
	req.Header.Set(headerEvent, d.event)
	req.Header.Set(headerDelivery, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	rec := httptest.NewRecorder()
	srv.Echo().ServeHTTP(rec, req)
	return rec
}

func TestWebhookReadsBodiesWithoutADeclaredLength(t *testing.T) {
	body := own(t, assignedFixture)
	rec := newRecorder()
	srv, _ := newTestServer(t, rec, func(c *Config) { c.Bot = staticBot("code-factory[bot]") })
	if res := postUnsized(srv, signed("issues", body)); res.Code != http.StatusAccepted || len(rec.recorded()) != 1 {
		t.Fatalf("unsized delivery: status = %d (%s), %d dispatcher calls", res.Code, res.Body, len(rec.recorded()))
	}

	capped, _ := newTestServer(t, rec, func(c *Config) { c.MaxBody = 64 })
	res := postUnsized(capped, signed("issues", body))
	if r := decodeResponse(t, res); res.Code != http.StatusRequestEntityTooLarge || r.Error != "body too large" {
		t.Fatalf("unsized delivery over the cap: status = %d, response %+v", res.Code, r)
	}
	if n := len(rec.recorded()); n != 1 {
		t.Errorf("%d dispatcher calls after the over-cap delivery, want still 1", n)
	}
}

func TestWebhookWritesOnlyTheLinesTheLoggerWants(t *testing.T) {
	rec := newRecorder()
	buf := &syncBuffer{}
	srv, _ := newTestServer(t, rec, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	body := own(t, commentFixture)
	if res := post(srv, signed("issue_comment", body)); res.Code != http.StatusAccepted {
		t.Fatalf("status = %d", res.Code)
	}
	if buf.String() != "" {
		t.Fatalf("an accepted delivery was logged below the logger's level:\n%s", buf)
	}
	bad := delivery{event: "issues", id: "delivery-warn-1", body: body, signature: "sha256=0011"}
	if res := post(srv, bad); res.Code != http.StatusUnauthorized {
		t.Fatalf("status = %d", res.Code)
	}
	out := strings.TrimSpace(buf.String())
	if strings.Count(out, "\n") != 0 || !strings.Contains(out, `"level":"WARN"`) ||
		!strings.Contains(out, `"delivery":"delivery-warn-1"`) || !strings.Contains(out, `"outcome":"rejected"`) {
		t.Errorf("rejection line = %s", out)
	}
}

func TestWebhookReadsBodiesLongerThanThePresizedBuffer(t *testing.T) {
	body := append(own(t, assignedFixture), bytes.Repeat([]byte(" "), presizeMax+100<<10)...)
	rec := newRecorder()
	srv, _ := newTestServer(t, rec, func(c *Config) { c.MaxBody = 4 << 20; c.Bot = staticBot("code-factory[bot]") })
	if res := post(srv, signed("issues", body)); res.Code != http.StatusAccepted || len(rec.recorded()) != 1 {
		t.Fatalf("a %d-byte delivery: status = %d (%s), %d dispatcher calls", len(body), res.Code, res.Body, len(rec.recorded()))
	}
}

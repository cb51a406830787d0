package ingress

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// nopDispatcher accepts every decision.
type nopDispatcher struct{}

func (nopDispatcher) SignalWithStartIssue(context.Context, StartIssue) error   { return nil }
func (nopDispatcher) SignalIssue(context.Context, SignalIssue) error           { return nil }
func (nopDispatcher) StartRelay(context.Context, StartRelay) error             { return nil }
func (nopDispatcher) SignalWithStartConfig(context.Context, StartConfig) error { return nil }
func (nopDispatcher) StartSweep(context.Context, StartSweep) error             { return nil }
func (nopDispatcher) SignalWithStartPRRelay(context.Context, StartPRRelay) error {
	return nil
}

// BenchmarkWebhookComment posts a signed issue comment through the echo
// handler: verify, parse, classify, dispatch (no-op), respond, log.
func BenchmarkWebhookComment(b *testing.B) {
	body := own(b, commentFixture)
	sig := sign(testSecret, body)
	srv, _ := newTestServer(b, nopDispatcher{}, nil)
	h := srv.Echo()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, WebhookPath, bytes.NewReader(body))
		req.Header.Set(headerSignature, sig)
		req.Header.Set(headerEvent, "issue_comment")
		req.Header.Set(headerDelivery, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status = %d", rec.Code)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

//go:embed samples/*.json
var samplesFS embed.FS

// devWebhookSecret signs deliveries in simulator mode when WEBHOOK_SECRET is
// unset. It guards nothing real: the simulator talks only to in-process fakes.
const devWebhookSecret = "code-factory-dev-secret"

// samples maps a sample name to its event and file.
func samples() map[string][2]string {
	return map[string][2]string{
		"assigned": {"issues", "samples/issues.assigned.json"},
		"comment":  {"issue_comment", "samples/issue_comment.created.json"},
		"closed":   {"issues", "samples/issues.closed.json"},
	}
}

func runSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("send", "Posts a signed webhook delivery to an ingress: a built-in sample (assigned, comment, closed) or a file.\nSigned with WEBHOOK_SECRET, or the dev simulator's secret when it is unset.", stderr)
	url := fs.String("url", "http://127.0.0.1:8080/webhooks/github", "ingress webhook URL")
	sample := fs.String("sample", "assigned", "built-in sample: assigned, comment or closed")
	file := fs.String("file", "", "payload file to send instead of a sample (needs --event)")
	event := fs.String("event", "", "X-GitHub-Event of --file")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	body, ev, err := sendPayload(*sample, *file, *event)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory send: %v\n", err)
		return 2
	}
	secret := os.Getenv("WEBHOOK_SECRET")
	if secret == "" {
		secret = devWebhookSecret
	}
	status, reply, err := postDelivery(ctx, *url, ev, []byte(secret), body)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory send: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d %s\n", status, strings.TrimSpace(string(reply)))
	if status >= 300 {
		return 1
	}
	return 0
}

// sendPayload returns the body and event of a sample or a file.
func sendPayload(sample, file, event string) ([]byte, string, error) {
	if file != "" {
		if event == "" {
			return nil, "", fmt.Errorf("--file needs --event")
		}
		b, err := os.ReadFile(file)
		return b, event, err
	}
	s, ok := samples()[sample]
	if !ok {
		return nil, "", fmt.Errorf("unknown sample %q (assigned, comment, closed)", sample)
	}
	b, err := samplesFS.ReadFile(s[1])
	return b, s[0], err
}

// postDelivery signs body like GitHub does and posts it.
func postDelivery(ctx context.Context, url, event string, secret, body []byte) (int, []byte, error) {
	req, err := signedDelivery(ctx, url, event, newDeliveryID(), secret, body)
	if err != nil {
		return 0, nil, err
	}
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, reply, err
}

// signedDelivery is the POST GitHub makes of a delivery: its event and
// delivery headers, and body signed with secret (X-Hub-Signature-256).
func signedDelivery(ctx context.Context, url, event, id string, secret, body []byte) (*http.Request, error) {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	return req, nil
}

// newDeliveryID returns a random UUID-shaped delivery id.
func newDeliveryID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("dev-%d", time.Now().UnixNano())
	}
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

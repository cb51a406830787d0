package fakegithub

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Attempt is one delivery of a webhook to the App, as the delivery log
// (GET /app/hook/deliveries) shows it.
type Attempt struct {
	ID          int64
	GUID        string
	Event       string
	Action      string
	Redelivery  bool
	StatusCode  int // 0 when the request failed
	DeliveredAt time.Time
	body        []byte
}

// deliveries is the App's webhook: where GitHub posts, and its log.
type deliveries struct {
	url      string
	secret   []byte
	attempts []*Attempt // oldest first
	client   *http.Client
}

// SetWebhook sets where deliveries go and the secret they are signed with,
// as the App's settings do.
func (s *Server) SetWebhook(url string, secret []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.url, s.hooks.secret = url, append([]byte(nil), secret...)
}

// Deliver posts a webhook to the App as GitHub would (signed, with a fresh
// delivery GUID) and logs the attempt; it returns the GUID and the status
// the App answered (0 when the request failed).
func (s *Server) Deliver(event, action string, body []byte) (guid string, status int) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	guid = fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	return guid, s.attempt(guid, event, action, body, false)
}

// Attempts is the delivery log, oldest first.
func (s *Server) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Attempt, len(s.hooks.attempts))
	for i, a := range s.hooks.attempts {
		out[i] = *a
	}
	return out
}

// attempt posts body to the webhook URL, outside the lock (the App calls
// back into this fake while it handles the delivery), and logs the answer.
func (s *Server) attempt(guid, event, action string, body []byte, redelivery bool) int {
	s.mu.Lock()
	target, secret := s.hooks.url, s.hooks.secret
	s.mu.Unlock()
	status := 0
	if req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body)); err == nil {
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", guid)
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		if resp, err := s.hooks.client.Do(req); err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.attempts = append(s.hooks.attempts, &Attempt{
		ID: s.st.id(), GUID: guid, Event: event, Action: action, Redelivery: redelivery,
		StatusCode: status, DeliveredAt: time.Now().UTC(), body: body,
	})
	return status
}

// listDeliveries answers GET /app/hook/deliveries: newest first, per_page
// (default 30, at most 100), the next page's cursor in the Link header.
func (s *Server) listDeliveries(r *http.Request) reply {
	per := 30
	if v, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	start := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		v, err := strconv.Atoi(c)
		if err != nil || v < 0 {
			return validationFailed("cursor is not valid")
		}
		start = v
	}
	n := len(s.hooks.attempts)
	items := []any{}
	for i := start; i < n && i < start+per; i++ {
		a := s.hooks.attempts[n-1-i]
		status := "OK"
		if a.StatusCode < 200 || a.StatusCode > 299 {
			status = "failed"
		}
		items = append(items, map[string]any{
			"id": a.ID, "guid": a.GUID, "delivered_at": a.DeliveredAt.Format(time.RFC3339), "redelivery": a.Redelivery,
			"duration": 0.05, "status": status, "status_code": a.StatusCode, "event": a.Event, "action": a.Action,
			"installation_id": nil, "repository_id": nil,
		})
	}
	rep := jsonReply(http.StatusOK, items)
	if start+per < n {
		q := url.Values{"cursor": {strconv.Itoa(start + per)}, "per_page": {strconv.Itoa(per)}}
		rep.header = http.Header{"Link": {fmt.Sprintf("<%s?%s>; rel=\"next\"", s.apiURL("app/hook/deliveries"), q.Encode())}}
	}
	return rep
}

// redeliver answers POST /app/hook/deliveries/{id}/attempts with 202 and
// delivers the attempt's payload again, with its GUID, in the background
// (as GitHub does).
func (s *Server) redeliver(r *http.Request) reply {
	id, ok := pathInt(r, "id")
	if !ok {
		return notFound()
	}
	for _, a := range s.hooks.attempts {
		if a.ID == id {
			a := *a
			go s.attempt(a.GUID, a.Event, a.Action, a.body, true)
			return jsonReply(http.StatusAccepted, map[string]any{})
		}
	}
	return notFound()
}

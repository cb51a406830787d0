// Package coder talks to a Coder deployment. Client is a typed client of the
// REST API (users, organizations, tokens, templates, presets, workspaces,
// tasks and chats). Backend is the small set of operations the workflows
// need, implemented twice: TasksBackend over Coder Tasks (/api/v2/tasks, the
// v2.34 ESR and older) and ChatsBackend over Coder Agents (/api/v2/chats,
// v2.37 and newer). Detect tells which a deployment has.
//
// Wire facts are noted next to the code that relies on them, with the
// coder/coder source they were read from.
package coder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// tokenHeader carries the session token (codersdk.SessionTokenHeader,
	// "Coder-Session-Token", codersdk/client.go).
	tokenHeader = "Coder-Session-Token"
	// defaultTimeout bounds every request of a client built without one.
	defaultTimeout = 30 * time.Second
	// maxResponse caps the size of a successful response body.
	maxResponse = 16 << 20
	// maxErrorBody caps how much of an error body is read.
	maxErrorBody = 64 << 10
	// maxRawMessage is how much of a non-JSON error body goes in Error.Message.
	maxRawMessage = 512
)

// Client is a Coder REST client. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	hc    *http.Client
	// tasks and chats remember which prefix each API lives under.
	tasks, chats family
}

// NewClient returns a client for the deployment at baseURL (e.g.
// "https://coder.example.com") authenticating with a session token. A nil hc
// means a client with a 30 s timeout. Redirects to another host are refused
// so no token ever leaves the deployment.
func NewClient(baseURL, token string, hc *http.Client) *Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		c.Timeout = defaultTimeout
	}
	if c.CheckRedirect == nil {
		c.CheckRedirect = sameHostRedirect
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"), token: token, hc: &c,
		tasks: family{name: "tasks"}, chats: family{name: "chats"},
	}
}

// URL is the deployment's base URL without a trailing slash.
func (c *Client) URL() string { return c.base }

func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("refusing redirect to another host %q", req.URL.Host)
	}
	return nil
}

// call is one request. token, when set, replaces the client's own token
// (a token minted for the user the call acts as).
type call struct {
	method, path string
	query        url.Values
	in, out      any
	token        string
}

// do sends one request with the client's token and decodes a 2xx JSON
// answer into out (if non-nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	return c.send(ctx, call{method: method, path: path, query: q, in: in, out: out})
}

// send runs a call. Errors name the method and path (never the query,
// which may hold search terms) and carry no token.
func (c *Client) send(ctx context.Context, r call) error {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.in != nil {
		b, err := json.Marshal(r.in)
		if err != nil {
			return fmt.Errorf("coder: %s %s: encode request: %w", r.method, r.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("coder: %s %s: %w", r.method, r.path, err)
	}
	token := c.token
	if r.token != "" {
		token = r.token
	}
	req.Header.Set(tokenHeader, token)
	req.Header.Set("Accept", "application/json")
	if r.in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// *url.Error repeats the full URL; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("coder: %s %s: %w", r.method, r.path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(resp, r, token)
	}
	if r.out == nil || resp.StatusCode == http.StatusNoContent {
		if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)); err != nil {
			return fmt.Errorf("coder: %s %s: read response: %w", r.method, r.path, err)
		}
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(r.out); err != nil {
		return fmt.Errorf("coder: %s %s: decode response: %w", r.method, r.path, err)
	}
	return nil
}

// apiError builds an *Error from a non-2xx response. Coder's error body is
// codersdk.Response: {"message", "detail", "validations": [{"field",
// "detail"}]} (codersdk/client.go); anything else is kept, cut, as Message.
func (c *Client) apiError(resp *http.Response, r call, token string) error {
	e := &Error{StatusCode: resp.StatusCode, Method: r.method, Path: r.path}
	redact := func(s string) string { return redactAll(s, c.token, token) }
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		e.Message = "(error body unreadable: " + redact(err.Error()) + ")"
		return e
	}
	var body struct {
		Message     string       `json:"message"`
		Detail      string       `json:"detail"`
		Validations []Validation `json:"validations"`
	}
	if json.Unmarshal(raw, &body) == nil && body.Message != "" {
		e.Message = redact(body.Message)
		e.Detail = redact(body.Detail)
		for _, v := range body.Validations {
			e.Validations = append(e.Validations, Validation{Field: v.Field, Detail: redact(v.Detail)})
		}
		// "Route not found." is coderd's answer for an unknown API route
		// (coderd/coderd.go, the r.NotFound handler).
		e.routeMissing = strings.EqualFold(strings.TrimSpace(body.Message), "Route not found.")
	} else {
		e.Message = cut(redact(strings.TrimSpace(string(raw))), maxRawMessage)
		e.routeMissing = true
	}
	return e
}

// redactAll removes every non-empty token from text that came from the server.
func redactAll(s string, tokens ...string) string {
	for _, t := range tokens {
		if t != "" {
			s = strings.ReplaceAll(s, t, "[REDACTED]")
		}
	}
	return s
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

package fakegithub

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/fixtures"
)

const testAppID = 4242

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signJWT builds an RS256 App JWT the way GitHub expects one.
func signJWT(t *testing.T, key *rsa.PrivateKey, iss any, iat, exp time.Time) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]any{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": iss, "iat": iat.Unix(), "exp": exp.Unix()})
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

type fixture struct {
	srv *Server
	key *rsa.PrivateKey
	hc  *http.Client
}

func setup(t *testing.T) *fixture {
	t.Helper()
	key := newKey(t)
	srv := New(Options{AppID: testAppID, PublicKey: &key.PublicKey})
	t.Cleanup(srv.Close)
	hc := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &fixture{srv: srv, key: key, hc: hc}
}

func (f *fixture) jwt(t *testing.T) string {
	now := time.Now()
	return signJWT(t, f.key, fmt.Sprint(testAppID), now.Add(-30*time.Second), now.Add(90*time.Second))
}

// do sends a request and returns the response with its body read.
func (f *fixture) do(t *testing.T, method, url, auth string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// token mints an installation token through the API.
func (f *fixture) token(t *testing.T) string {
	t.Helper()
	resp, b := f.do(t, "POST", f.srv.URL()+"app/installations/7/access_tokens", "Bearer "+f.jwt(t), nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("token: status %d: %s", resp.StatusCode, b)
	}
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Token, "ghs_") {
		t.Fatalf("token %q lacks ghs_ prefix", tok.Token)
	}
	if d := time.Until(tok.ExpiresAt); d < 50*time.Minute || d > 61*time.Minute {
		t.Fatalf("expires_at %v is not about an hour ahead", tok.ExpiresAt)
	}
	return tok.Token
}

func TestAppIsSeededFromFixture(t *testing.T) {
	f := setup(t)
	resp, b := f.do(t, "GET", f.srv.URL()+"app", "Bearer "+f.jwt(t), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var got, want map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fixtures.Read(t, "api/app.json"), &want); err != nil {
		t.Fatal(err)
	}
	if got["id"] != float64(testAppID) {
		t.Errorf("id = %v, want %d", got["id"], testAppID)
	}
	for _, k := range []string{"slug", "name", "client_id", "html_url", "permissions", "owner", "events"} {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s = %v, fixture has %v", k, got[k], want[k])
		}
	}
	if f.srv.BotLogin() != want["slug"].(string)+"[bot]" {
		t.Errorf("BotLogin = %q", f.srv.BotLogin())
	}
}

func TestJWTVerified(t *testing.T) {
	f := setup(t)
	now := time.Now()
	other := newKey(t)
	good := strings.Split(f.jwt(t), ".")
	longer := strings.Split(signJWT(t, f.key, fmt.Sprint(testAppID), now.Add(-time.Minute), now.Add(5*time.Minute)), ".")
	cases := map[string]string{
		"other key":     signJWT(t, other, fmt.Sprint(testAppID), now.Add(-time.Minute), now.Add(time.Minute)),
		"wrong iss":     signJWT(t, f.key, "1", now.Add(-time.Minute), now.Add(time.Minute)),
		"expired":       signJWT(t, f.key, fmt.Sprint(testAppID), now.Add(-5*time.Minute), now.Add(-time.Minute)),
		"too long":      signJWT(t, f.key, fmt.Sprint(testAppID), now.Add(-time.Minute), now.Add(20*time.Minute)),
		"not a jwt":     "ghs_notajwt",
		"tampered body": good[0] + "." + longer[1] + "." + good[2],
	}
	for name, tok := range cases {
		resp, _ := f.do(t, "POST", f.srv.URL()+"app/installations/7/access_tokens", "Bearer "+tok, nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
	// A numeric iss is accepted too.
	resp, b := f.do(t, "GET", f.srv.URL()+"app", "Bearer "+signJWT(t, f.key, testAppID, now.Add(-time.Minute), now.Add(time.Minute)), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("numeric iss: status %d: %s", resp.StatusCode, b)
	}
	if n := f.srv.Count("POST", "/app/installations/"); n != len(cases) {
		t.Errorf("recorded %d token requests, want %d", n, len(cases))
	}
	for _, r := range f.srv.Requests() {
		if r.Auth == "none" || strings.Contains(r.Auth, ".") {
			t.Errorf("request %s %s auth %q", r.Method, r.Path, r.Auth)
		}
	}
}

func TestInstallationTokenRequired(t *testing.T) {
	f := setup(t)
	f.srv.SetIssue("acme", "widgets", 1, "open", "agent")
	url := f.srv.URL() + "repos/acme/widgets/issues/1"
	for name, auth := range map[string]string{
		"none": "", "unknown token": "token ghs_unknown", "app jwt": "Bearer " + f.jwt(t),
	} {
		resp, b := f.do(t, "GET", url, auth, nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401 (%s)", name, resp.StatusCode, b)
		}
	}
	tok := f.token(t)
	for _, scheme := range []string{"token ", "Bearer "} {
		resp, b := f.do(t, "GET", url, scheme+tok, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", scheme, resp.StatusCode, b)
		}
		var is struct {
			Number    int    `json:"number"`
			State     string `json:"state"`
			Assignees []struct {
				Login string `json:"login"`
			} `json:"assignees"`
		}
		if err := json.Unmarshal(b, &is); err != nil {
			t.Fatal(err)
		}
		if is.Number != 1 || is.State != "open" || len(is.Assignees) != 1 || is.Assignees[0].Login != "agent" {
			t.Errorf("issue = %+v", is)
		}
	}
	f.srv.ExpireTokens()
	if resp, _ := f.do(t, "GET", url, "token "+tok, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("expired token: status %d, want 401", resp.StatusCode)
	}
	for _, r := range f.srv.Requests() {
		if strings.Contains(r.Auth, "ghs_") {
			t.Errorf("recorded a token in Auth: %q", r.Auth)
		}
	}
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	f := setup(t)
	resp, b := f.do(t, "GET", f.srv.URL()+"nope/nothing", "", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	if body["message"] != "Not Found" || body["documentation_url"] == nil {
		t.Errorf("body = %v", body)
	}
}

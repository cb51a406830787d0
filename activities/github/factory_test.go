package github

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

func TestInstallationTokenMintedOnceAndReused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.SetIssue(owner, repo, 1, "open", "agent")

	if _, err := e.client(t).GetIssue(ctx, owner, repo, 1); err != nil {
		t.Fatal(err)
	}
	// A second client for the same installation, as a second activity would get.
	if _, err := e.client(t).PermissionLevel(ctx, owner, repo, "alice"); err != nil {
		t.Fatal(err)
	}
	tokenPath := fmt.Sprintf("/app/installations/%d/access_tokens", testInstall)
	if n := e.count("POST", tokenPath); n != 1 {
		t.Errorf("minted %d tokens, want 1", n)
	}
	// Another installation gets its own token.
	other, err := e.factory.Installation(testInstall + 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.GetIssue(ctx, owner, repo, 1); err != nil {
		t.Fatal(err)
	}
	if n := e.count("POST", fmt.Sprintf("/app/installations/%d/access_tokens", testInstall+1)); n != 1 {
		t.Errorf("second installation minted %d tokens, want 1", n)
	}
	for _, r := range e.fake.Requests() {
		want := "installation"
		if strings.HasPrefix(r.Path, "/app/") {
			want = "app-jwt"
		}
		if r.Auth != want {
			t.Errorf("%s %s: auth %q, want %q", r.Method, r.Path, r.Auth, want)
		}
		if r.APIVersion != APIVersion {
			t.Errorf("%s %s: X-GitHub-Api-Version %q", r.Method, r.Path, r.APIVersion)
		}
	}
	if _, err := e.factory.Installation(0); err == nil {
		t.Error("installation 0 accepted")
	}
}

func TestRevokedTokenIsClientError(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.SetIssue(owner, repo, 1, "open")
	c := e.client(t)
	if _, err := c.GetIssue(ctx, owner, repo, 1); err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireTokens() // the fake forgets the token: the cached one now gets 401
	_, err := c.GetIssue(ctx, owner, repo, 1)
	if err == nil {
		t.Fatal("revoked token still accepted")
	}
	noSecrets(t, err.Error())
	var app *temporal.ApplicationError
	if !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient {
		t.Errorf("401 classified as %v", Classify(err))
	}
}

func TestBotLoginWithJWT(t *testing.T) {
	e := newEnv(t)
	login, err := e.factory.BotLogin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if login != "octoapp[bot]" || login != e.fake.BotLogin() {
		t.Errorf("BotLogin = %q, fake says %q", login, e.fake.BotLogin())
	}
	reqs := e.fake.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/app" || reqs[0].Auth != "app-jwt" {
		t.Errorf("requests = %+v", reqs)
	}

	// A factory signing with another key is refused (the fake verifies the JWT).
	wrong, err := NewFactory(FactoryConfig{AppID: testAppID, PrivateKey: pkcs1PEM(newKey(t)), APIURL: e.fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.BotLogin(context.Background())
	var app *temporal.ApplicationError
	if err == nil || !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient || !app.NonRetryable() {
		t.Errorf("wrong key: err %v, classified %v", err, Classify(err))
	}
	// Its installation token cannot be minted either: a client error.
	c, err := wrong.Installation(testInstall)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.SetIssue(owner, repo, 1, "open")
	_, err = c.GetIssue(context.Background(), owner, repo, 1)
	if err == nil || !errors.As(Classify(err), &app) || app.Type() != ErrTypeClient || !app.NonRetryable() {
		t.Errorf("token mint with wrong key: err %v, classified %v", err, Classify(err))
	}
	if err != nil && strings.Contains(err.Error(), "eyJ") {
		t.Errorf("error quotes the JWT: %v", err)
	}
	// So is one with another App id.
	wrongID, err := NewFactory(FactoryConfig{AppID: testAppID + 1, PrivateKey: pkcs1PEM(e.key), APIURL: e.fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrongID.BotLogin(context.Background()); err == nil {
		t.Error("wrong app id accepted")
	}
}

func TestPrivateKeyFormats(t *testing.T) {
	key := newKey(t)
	fake := fakegithub.New(fakegithub.Options{AppID: testAppID, PublicKey: &key.PublicKey})
	t.Cleanup(fake.Close)
	for name, pemBytes := range map[string][]byte{"PKCS#1": pkcs1PEM(key), "PKCS#8": pkcs8PEM(t, key)} {
		f, err := NewFactory(FactoryConfig{AppID: testAppID, PrivateKey: pemBytes, APIURL: fake.URL()})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := f.BotLogin(context.Background()); err != nil {
			t.Errorf("%s: JWT refused: %v", name, err)
		}
	}
}

func TestBadPrivateKeyErrorsHideKey(t *testing.T) {
	junk := make([]byte, 300)
	if _, err := rand.Read(junk); err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"not PEM":        []byte("MIIEowIBAAKCAQEAsecretsecretsecretsecret"),
		"garbage in PEM": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: junk}),
		"EC key":         pkcs8PEM(t, ec),
		"empty":          nil,
	}
	for name, in := range cases {
		_, err := NewFactory(FactoryConfig{AppID: testAppID, PrivateKey: in})
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		body := string(in)
		if block, _ := pem.Decode(in); block != nil {
			body = base64.StdEncoding.EncodeToString(block.Bytes)
		}
		for i := 0; i+12 <= len(body); i += 4 {
			if strings.Contains(msg, body[i:i+12]) {
				t.Errorf("%s: error %q quotes the key", name, msg)
				break
			}
		}
	}
	if _, err := NewFactory(FactoryConfig{AppID: 0, PrivateKey: pkcs1PEM(newKey(t))}); err == nil {
		t.Error("app id 0 accepted")
	}
}

func TestDeriveGraphQLURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com/":           "https://api.github.com/graphql",
		"https://api.github.com":            "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3/":   "https://ghe.example.com/api/graphql",
		"https://ghe.example.com/api/v3":    "https://ghe.example.com/api/graphql",
		"http://127.0.0.1:8080/":            "http://127.0.0.1:8080/graphql",
		"http://127.0.0.1:8080/github-api/": "http://127.0.0.1:8080/github-api/graphql",
	} {
		if got := DeriveGraphQLURL(in); got != want {
			t.Errorf("DeriveGraphQLURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFactoryDefaults(t *testing.T) {
	f, err := NewFactory(FactoryConfig{AppID: 1, PrivateKey: pkcs1PEM(newKey(t))})
	if err != nil {
		t.Fatal(err)
	}
	if f.apiURL.String() != DefaultAPIURL || f.GraphQLURL() != "https://api.github.com/graphql" || f.timeout != DefaultTimeout {
		t.Errorf("defaults: api %s graphql %s timeout %v", f.apiURL, f.GraphQLURL(), f.timeout)
	}
	if _, err := NewFactory(FactoryConfig{AppID: 1, PrivateKey: pkcs1PEM(newKey(t)), APIURL: "not a url"}); err == nil {
		t.Error("relative api url accepted")
	}
}

func TestConcurrentCallsShareOneToken(t *testing.T) {
	e := newEnv(t)
	e.fake.SetIssue(owner, repo, 1, "open")
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			c, err := e.factory.Installation(testInstall)
			if err == nil {
				_, err = c.GetIssue(context.Background(), owner, repo, 1)
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := e.count("POST", "/app/installations/"); n != 1 {
		t.Errorf("minted %d tokens, want 1", n)
	}
}

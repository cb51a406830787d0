// Package github talks to GitHub as a GitHub App: it mints App JWTs and
// installation tokens (ghinstallation), and wraps the few REST and GraphQL
// calls the activities need in methods that return small plain structs.
// Classify turns its errors into Temporal application errors.
package github

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// DefaultAPIURL is GitHub.com's REST API base.
const DefaultAPIURL = "https://api.github.com/"

// DefaultTimeout bounds every HTTP exchange with GitHub.
const DefaultTimeout = 30 * time.Second

// APIVersion is the REST API version sent as X-GitHub-Api-Version.
const APIVersion = "2022-11-28"

// userAgent identifies the service to GitHub.
const userAgent = "code-factory"

// FactoryConfig configures a Factory.
type FactoryConfig struct {
	// AppID is the GitHub App's id.
	AppID int64
	// PrivateKey is the App's PEM private key, PKCS#1 or PKCS#8.
	PrivateKey []byte
	// APIURL is the REST API base, used verbatim (a trailing slash is
	// added if missing); default DefaultAPIURL. GitHub Enterprise Server:
	// "https://HOST/api/v3/".
	APIURL string
	// GraphQLURL is the GraphQL endpoint; default DeriveGraphQLURL(APIURL).
	GraphQLURL string
	// Timeout bounds each HTTP exchange; default DefaultTimeout.
	Timeout time.Duration
	// Transport carries every request; default a clone of http.DefaultTransport.
	Transport http.RoundTripper
}

// LogValue keeps the private key out of logs.
func (c FactoryConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("app_id", c.AppID),
		slog.String("api_url", c.APIURL),
		slog.String("graphql_url", c.GraphQLURL),
		slog.Duration("timeout", c.Timeout),
	)
}

// Factory mints GitHub clients for one App. It is safe for concurrent use;
// keep one per process (activities hold it, workflows never do).
type Factory struct {
	appID      int64
	key        *rsa.PrivateKey
	apiURL     *url.URL // with trailing slash
	tokenBase  string   // apiURL without trailing slash, for ghinstallation
	graphqlURL string
	timeout    time.Duration
	raw        http.RoundTripper // the configured transport, no GitHub headers
	base       http.RoundTripper // raw plus GitHub headers
	app        *http.Client      // authenticates as the App (JWT)

	mu       sync.Mutex
	installs map[int64]http.RoundTripper
}

// NewFactory checks cfg and parses the private key once.
func NewFactory(cfg FactoryConfig) (*Factory, error) {
	if cfg.AppID <= 0 {
		return nil, errors.New("github: app id must be positive")
	}
	key, err := parsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("github: api url %q is not an absolute http(s) URL", cfg.APIURL)
	}
	graphqlURL := cfg.GraphQLURL
	if graphqlURL == "" {
		graphqlURL = DeriveGraphQLURL(apiURL)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	raw := cfg.Transport
	if raw == nil {
		dt, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			return nil, errors.New("github: http.DefaultTransport is not an *http.Transport; set FactoryConfig.Transport")
		}
		raw = dt.Clone()
	}
	f := &Factory{
		appID:      cfg.AppID,
		key:        key,
		apiURL:     u,
		tokenBase:  strings.TrimRight(apiURL, "/"),
		graphqlURL: graphqlURL,
		timeout:    timeout,
		raw:        raw,
		base:       headerTransport{next: raw},
		installs:   map[int64]http.RoundTripper{},
	}
	f.app = &http.Client{Transport: f.appsTransport(), Timeout: timeout}
	return f, nil
}

// parsePrivateKey reads a PEM RSA key in PKCS#1 or PKCS#8 form. Its errors
// never quote the input.
func parsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("github: private key is not PEM-encoded")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("github: private key (PEM type %q) is neither a PKCS#1 nor a PKCS#8 RSA key", block.Type)
	}
	k, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("github: private key is a PKCS#8 %T, not an RSA key", parsed)
	}
	return k, nil
}

// DeriveGraphQLURL returns the GraphQL endpoint of a REST API base:
// "https://HOST/api/v3/" → "https://HOST/api/graphql"; otherwise the base
// plus "graphql" ("https://api.github.com/" → "https://api.github.com/graphql").
func DeriveGraphQLURL(apiURL string) string {
	trimmed := strings.TrimRight(apiURL, "/")
	if prefix, ok := strings.CutSuffix(trimmed, "/api/v3"); ok {
		return prefix + "/api/graphql"
	}
	return trimmed + "/graphql"
}

// GraphQLURL is the GraphQL endpoint the factory's clients use.
func (f *Factory) GraphQLURL() string { return f.graphqlURL }

// appsTransport is a fresh JWT transport. Each installation gets its own:
// ghinstallation writes to the AppsTransport while refreshing a token, so
// sharing one between installations would race.
func (f *Factory) appsTransport() *ghinstallation.AppsTransport {
	atr := ghinstallation.NewAppsTransportFromPrivateKey(f.base, f.appID, f.key)
	atr.BaseURL = f.tokenBase
	atr.Client = &http.Client{Transport: f.base, Timeout: f.timeout}
	return atr
}

// Installation returns a client authenticated as the installation. The
// token transport is cached per installation id, so tokens are reused
// until they near expiry; the *Client itself is cheap and per call.
func (f *Factory) Installation(installationID int64) (*Client, error) {
	if installationID <= 0 {
		return nil, fmt.Errorf("github: installation id %d must be positive", installationID)
	}
	f.mu.Lock()
	tr, ok := f.installs[installationID]
	if !ok {
		itr := ghinstallation.NewFromAppsTransport(f.appsTransport(), installationID)
		itr.BaseURL = f.tokenBase
		itr.Client = &http.Client{Transport: f.base, Timeout: f.timeout}
		tr = tokenErrorTransport{next: itr}
		f.installs[installationID] = tr
	}
	f.mu.Unlock()
	return f.newClient(tr), nil
}

// BotLogin asks GitHub for the App (GET /app, as the App) and returns its
// bot user's login, "<slug>[bot]".
func (f *Factory) BotLogin(ctx context.Context) (string, error) {
	app, _, err := f.appClient().Apps.Get(ctx, "")
	if err != nil {
		return "", fmt.Errorf("get app: %w", err)
	}
	if app.GetSlug() == "" {
		return "", errors.New("get app: GitHub returned no slug")
	}
	return app.GetSlug() + "[bot]", nil
}

// headerTransport adds the API version and user agent to every request.
type headerTransport struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("X-GitHub-Api-Version") == "" || req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		if req.Header.Get("X-GitHub-Api-Version") == "" {
			req.Header.Set("X-GitHub-Api-Version", APIVersion)
		}
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", userAgent)
		}
	}
	return t.next.RoundTrip(req)
}

// tokenErrorTransport closes the response body ghinstallation leaves open
// when minting a token fails (its error keeps the status and headers).
type tokenErrorTransport struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t tokenErrorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	var he *ghinstallation.HTTPError
	if err != nil && errors.As(err, &he) && he.Response != nil && he.Response.Body != nil {
		if cerr := he.Response.Body.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close token response: %w", cerr))
		}
	}
	return resp, err
}

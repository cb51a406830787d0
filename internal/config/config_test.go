package config

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testKeys holds PEM keys generated once per test.
type testKeys struct {
	pkcs1, pkcs8, ec []byte
}

func newTestKeys(t *testing.T) testKeys {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	return testKeys{
		pkcs1: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}),
		pkcs8: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		ec:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ec8}),
	}
}

// env builds a getenv over a map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// files builds a readFile over a map; a missing name is fs.ErrNotExist.
func files(m map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if b, ok := m[name]; ok {
			return b, nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
}

// full returns a complete valid environment.
func full(keys testKeys) map[string]string {
	return map[string]string{
		"APP_ID":                "12345",
		"PRIVATE_KEY":           string(keys.pkcs1),
		"WEBHOOK_SECRET":        "whsec-value",
		"AGENT_GITHUB_USERNAME": "coder-agent",
		"CODER_URL":             "https://coder.example.com/",
		"CODER_TOKEN":           "tok-value",
	}
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not *Error", err)
	}
	if ce.Error() != strings.Join(ce.Problems, "\n") {
		t.Fatalf("Error() = %q, want problems joined by newlines", ce.Error())
	}
	return ce.Problems
}

func TestLoadDefaults(t *testing.T) {
	keys := newTestKeys(t)
	c, err := Load(env(full(keys)), files(nil), NeedAll)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		AppID:                   12345,
		PrivateKey:              keys.pkcs1,
		WebhookSecret:           []byte("whsec-value"),
		GitHubAPIURL:            "https://api.github.com/",
		GitHubGraphQLURL:        "https://api.github.com/graphql",
		GitHubWebURL:            "https://github.com/",
		AgentGitHubUsername:     "coder-agent",
		CoderURL:                "https://coder.example.com",
		CoderToken:              "tok-value",
		CoderOrganization:       "default",
		CoderTemplateName:       "task-template",
		CodeFactoryTemplateName: "code-factory",
		CoderTaskNamePrefix:     "gh",
		TemporalAddress:         "127.0.0.1:7233",
		TemporalNamespace:       "default",
		TemporalTaskQueue:       "code-factory",
		Port:                    8080,
		CoderPollInterval:       5 * time.Second,
		CoderBackend:            "auto",
		CoderChatIdentity:       "assigner",
		CoderWatchInterval:      30 * time.Second,
		PermissionCacheTTL:      10 * time.Minute,
		WorkerStopTimeout:       30 * time.Second,
		WorkflowCacheSize:       DefaultWorkflowCacheSize,
		TemporalLostAfter:       2 * time.Minute,
		RedeliveryInterval:      5 * time.Minute,
		LogFormat:               "json",
		LogLevel:                "info",
	}
	if !reflect.DeepEqual(*c, want) {
		// Print without the key and secrets: test output is a log too.
		got, exp := *c, want
		got.PrivateKey, got.WebhookSecret, got.CoderToken = nil, nil, "…"
		exp.PrivateKey, exp.WebhookSecret, exp.CoderToken = nil, nil, "…"
		t.Fatalf("got  %+v\nwant %+v", got, exp)
	}
	if c.Simulated() {
		t.Fatal("Simulated() = true with credentials set")
	}
}

func TestLoadOverrides(t *testing.T) {
	keys := newTestKeys(t)
	m := full(keys)
	for k, v := range map[string]string{
		"GITHUB_API_URL":             "https://ghe.example.com/api/v3",
		"APP_BOT_LOGIN":              "my-app[bot]",
		"CODER_ORGANIZATION":         "acme",
		"CODER_TEMPLATE_NAME":        "tpl",
		"CODER_TEMPLATE_PRESET":      "big",
		"CODE_FACTORY_TEMPLATE_NAME": "cf",
		"CODER_TASK_NAME_PREFIX":     "x1-",
		"TEMPORAL_ADDRESS":           "temporal:7233",
		"TEMPORAL_NAMESPACE":         "ns",
		"TEMPORAL_TASK_QUEUE":        "q",
		"PORT":                       " 9000 ",
		"CODER_POLL_INTERVAL":        "250ms",
		"CODER_BACKEND":              "Chats",
		"CODER_CHAT_IDENTITY":        "service",
		"CODER_WATCH_INTERVAL":       "1m",
		"PERMISSION_CACHE_TTL":       "30s",
		"WORKFLOW_CACHE_SIZE":        "500",
		"TEMPORAL_UI_URL":            "https://temporal.example.com/",
		"LOG_FORMAT":                 "TEXT",
		"LOG_LEVEL":                  "Debug",
	} {
		m[k] = v
	}
	c, err := Load(env(m), files(nil), NeedAll)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.GitHubAPIURL, c.GitHubGraphQLURL, c.AppBotLogin, c.CoderOrganization, c.CoderTemplateName,
		c.CoderTemplatePreset, c.CodeFactoryTemplateName, c.CoderTaskNamePrefix, c.TemporalAddress,
		c.TemporalNamespace, c.TemporalTaskQueue, c.Port, c.CoderPollInterval, c.CoderBackend, c.CoderChatIdentity, c.CoderWatchInterval, c.PermissionCacheTTL, c.WorkflowCacheSize, c.TemporalUIURL, c.LogFormat, c.LogLevel}
	want := []any{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql", "my-app[bot]", "acme", "tpl",
		"big", "cf", "x1-", "temporal:7233", "ns", "q", 9000, 250 * time.Millisecond, "chats", "service", time.Minute, 30 * time.Second, 500, "https://temporal.example.com", "text", "debug"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
}

func TestGraphQLURL(t *testing.T) {
	for _, tc := range []struct{ api, graphql, want string }{
		{"", "", "https://api.github.com/graphql"},
		{"https://api.github.com", "", "https://api.github.com/graphql"},
		{"https://ghe.corp/api/v3/", "", "https://ghe.corp/api/graphql"},
		{"http://127.0.0.1:9999/", "", "http://127.0.0.1:9999/graphql"},
		{"http://127.0.0.1:9999/gh/", "", "http://127.0.0.1:9999/gh/graphql"},
		{"https://ghe.corp/api/v3/", "https://gql.corp/q", "https://gql.corp/q"},
	} {
		c, err := Load(env(map[string]string{"GITHUB_API_URL": tc.api, "GITHUB_GRAPHQL_URL": tc.graphql}), files(nil), 0)
		if err != nil {
			t.Fatalf("%q: %v", tc.api, err)
		}
		if c.GitHubGraphQLURL != tc.want {
			t.Errorf("api %q graphql %q: got %q, want %q", tc.api, tc.graphql, c.GitHubGraphQLURL, tc.want)
		}
		if !strings.HasSuffix(c.GitHubAPIURL, "/") {
			t.Errorf("api %q: GitHubAPIURL %q lacks trailing slash", tc.api, c.GitHubAPIURL)
		}
	}
}

// Links GitHub did not send are built on the web root of GITHUB_API_URL.
func TestGitHubWebURL(t *testing.T) {
	for _, tc := range []struct{ api, want string }{
		{"", "https://github.com/"},
		{"https://ghe.corp/api/v3/", "https://ghe.corp/"},
		{"https://api.acme.ghe.com/", "https://acme.ghe.com/"},
		{"http://127.0.0.1:9999/", "http://127.0.0.1:9999/"},
	} {
		c, err := Load(env(map[string]string{"GITHUB_API_URL": tc.api}), files(nil), 0)
		if err != nil {
			t.Fatalf("%q: %v", tc.api, err)
		}
		if c.GitHubWebURL != tc.want {
			t.Errorf("api %q: web %q, want %q", tc.api, c.GitHubWebURL, tc.want)
		}
	}
}

func TestPrivateKeyForms(t *testing.T) {
	keys := newTestKeys(t)
	escaped := strings.ReplaceAll(strings.TrimSpace(string(keys.pkcs1)), "\n", `\n`)
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		files map[string][]byte
		want  []byte
	}{
		{"pkcs1", map[string]string{"PRIVATE_KEY": string(keys.pkcs1)}, nil, keys.pkcs1},
		{"pkcs8", map[string]string{"PRIVATE_KEY": string(keys.pkcs8)}, nil, keys.pkcs8},
		{"literal backslash n", map[string]string{"PRIVATE_KEY": escaped}, nil, keys.pkcs1},
		{"surrounding blank lines", map[string]string{"PRIVATE_KEY": "\n\n" + string(keys.pkcs8) + "\n"}, nil, keys.pkcs8},
		{"file pkcs8", map[string]string{"PRIVATE_KEY_FILE": "/k.pem"}, map[string][]byte{"/k.pem": keys.pkcs8}, keys.pkcs8},
		{"file pkcs1", map[string]string{"PRIVATE_KEY_FILE": "/k.pem"}, map[string][]byte{"/k.pem": keys.pkcs1}, keys.pkcs1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.vars["APP_ID"] = "7"
			tc.vars["AGENT_GITHUB_USERNAME"] = "agent"
			c, err := Load(env(tc.vars), files(tc.files), NeedGitHub)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.PrivateKey, tc.want) {
				t.Fatalf("PrivateKey = %q, want %q", c.PrivateKey, tc.want)
			}
		})
	}
}

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func TestValidationProblems(t *testing.T) {
	keys := newTestKeys(t)
	for _, tc := range []struct {
		name, key, value string
		want             string
	}{
		{"app id text", "APP_ID", "abc", "APP_ID: must be a positive integer"},
		{"app id zero", "APP_ID", "0", "APP_ID: must be a positive integer"},
		{"key not pem", "PRIVATE_KEY", "sekrit-not-a-key", "PRIVATE_KEY: is not a PEM-encoded private key"},
		{"key ec", "PRIVATE_KEY", string(keys.ec), "PRIVATE_KEY: must be an RSA private key"},
		{"key bad der", "PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\nc2Vrcml0\n-----END RSA PRIVATE KEY-----\n", "PRIVATE_KEY: is not a valid PKCS#1 RSA private key"},
		{"key bad pkcs8", "PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\nc2Vrcml0\n-----END PRIVATE KEY-----\n", "PRIVATE_KEY: is not a valid PKCS#8 private key"},
		{"key other type", "PRIVATE_KEY", "-----BEGIN CERTIFICATE-----\nc2Vrcml0\n-----END CERTIFICATE-----\n", "PRIVATE_KEY: must be an RSA private key in PKCS#1 or PKCS#8 PEM form"},
		{"agent login", "AGENT_GITHUB_USERNAME", "not a login", "AGENT_GITHUB_USERNAME: is not a valid GitHub login"},
		{"bot login", "APP_BOT_LOGIN", "my-app", `APP_BOT_LOGIN: must look like "<app-slug>[bot]"`},
		{"api url scheme", "GITHUB_API_URL", "ftp://x/", "GITHUB_API_URL: must be an http or https URL"},
		{"api url relative", "GITHUB_API_URL", "api.github.com", "GITHUB_API_URL: must be an http or https URL"},
		{"graphql url", "GITHUB_GRAPHQL_URL", "https://x/graphql?q=1", "GITHUB_GRAPHQL_URL: must not contain a query or fragment"},
		{"coder url", "CODER_URL", "not a url", "CODER_URL: must be an http or https URL"},
		{"coder url no host", "CODER_URL", "https:///path", "CODER_URL: must include a host"},
		{"coder url creds", "CODER_URL", "https://u:p@coder/", "CODER_URL: must not contain credentials"},
		{"coder url parse", "CODER_URL", "https://coder/%zz", "CODER_URL: is not a valid URL"},
		{"prefix upper", "CODER_TASK_NAME_PREFIX", "GH", "CODER_TASK_NAME_PREFIX: must match ^[a-z0-9][a-z0-9-]*$ and be at most 20 characters"},
		{"prefix dash", "CODER_TASK_NAME_PREFIX", "-gh", "CODER_TASK_NAME_PREFIX: must match ^[a-z0-9][a-z0-9-]*$ and be at most 20 characters"},
		{"prefix long", "CODER_TASK_NAME_PREFIX", strings.Repeat("a", 21), "CODER_TASK_NAME_PREFIX: must match ^[a-z0-9][a-z0-9-]*$ and be at most 20 characters"},
		{"temporal address", "TEMPORAL_ADDRESS", "localhost", "TEMPORAL_ADDRESS: must be host:port"},
		{"temporal port", "TEMPORAL_ADDRESS", "localhost:0", "TEMPORAL_ADDRESS: must be host:port"},
		{"port text", "PORT", "http", "PORT: must be a port number between 1 and 65535"},
		{"port range", "PORT", "65536", "PORT: must be a port number between 1 and 65535"},
		{"poll zero", "CODER_POLL_INTERVAL", "0s", `CODER_POLL_INTERVAL: must be a positive duration such as "5s"`},
		{"poll unitless", "CODER_POLL_INTERVAL", "5", `CODER_POLL_INTERVAL: must be a positive duration such as "5s"`},
		{"poll too fast", "CODER_POLL_INTERVAL", "50ms", "CODER_POLL_INTERVAL: must be between 100ms and 30s"},
		{"poll too slow", "CODER_POLL_INTERVAL", "31s", "CODER_POLL_INTERVAL: must be between 100ms and 30s"},
		{"backend", "CODER_BACKEND", "agents", `CODER_BACKEND: must be "auto", "tasks" or "chats"`},
		{"stop timeout", "WORKER_STOP_TIMEOUT", "20m", "WORKER_STOP_TIMEOUT: must be between 1s and 10m0s"},
		{"workflow cache text", "WORKFLOW_CACHE_SIZE", "lots", "WORKFLOW_CACHE_SIZE: must be a whole number between 10 and 100000"},
		{"workflow cache tiny", "WORKFLOW_CACHE_SIZE", "1", "WORKFLOW_CACHE_SIZE: must be a whole number between 10 and 100000"},
		{"health port", "HEALTH_PORT", "healthz", "HEALTH_PORT: must be a port number between 1 and 65535"},
		{"redelivery too often", "REDELIVERY_INTERVAL", "10s", "REDELIVERY_INTERVAL: must be between 1m0s and 24h0m0s"},
		{"pprof address", "PPROF_ADDR", "6060", "PPROF_ADDR: must be host:port"},
		{"otlp endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "OTEL_EXPORTER_OTLP_ENDPOINT: must be an http or https URL"},
		{"chat identity", "CODER_CHAT_IDENTITY", "root", `CODER_CHAT_IDENTITY: must be "assigner" or "service"`},
		{"watch interval", "CODER_WATCH_INTERVAL", "1h", "CODER_WATCH_INTERVAL: must be between 100ms and 10m0s"},
		{"permission ttl", "PERMISSION_CACHE_TTL", "0s", `PERMISSION_CACHE_TTL: must be a positive duration such as "5s"`},
		{"temporal ui url", "TEMPORAL_UI_URL", "temporal.example.com", "TEMPORAL_UI_URL: must be an http or https URL"},
		{"log format", "LOG_FORMAT", "xml", `LOG_FORMAT: must be "json" or "text"`},
		{"log level", "LOG_LEVEL", "trace", "LOG_LEVEL: must be debug, info, warn or error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := full(keys)
			m[tc.key] = tc.value
			c, err := Load(env(m), files(nil), NeedAll)
			if c != nil {
				t.Fatal("config returned alongside an error")
			}
			got := problems(t, err)
			if !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("problems = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	m := map[string]string{"PORT": "0", "LOG_LEVEL": "loud"}
	_, err := Load(env(m), files(nil), NeedAll)
	want := []string{
		"APP_ID: is required",
		"PRIVATE_KEY: is required (or set PRIVATE_KEY_FILE)",
		"WEBHOOK_SECRET: is required",
		"AGENT_GITHUB_USERNAME: is required",
		"CODER_URL: is required",
		"CODER_TOKEN: is required",
		"PORT: must be a port number between 1 and 65535",
		"LOG_LEVEL: must be debug, info, warn or error",
	}
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Fatalf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPrivateKeyFileProblems(t *testing.T) {
	keys := newTestKeys(t)
	base := map[string]string{"APP_ID": "1", "AGENT_GITHUB_USERNAME": "a"}
	for _, tc := range []struct {
		name string
		vars map[string]string
		read func(string) ([]byte, error)
		want string
	}{
		{"missing", map[string]string{"PRIVATE_KEY_FILE": "/secret/path/k.pem"}, files(nil), "PRIVATE_KEY_FILE: file does not exist"},
		{"permission", map[string]string{"PRIVATE_KEY_FILE": "/secret/path/k.pem"},
			func(string) ([]byte, error) { return nil, fs.ErrPermission }, "PRIVATE_KEY_FILE: file is not readable (permission denied)"},
		{"other", map[string]string{"PRIVATE_KEY_FILE": "/secret/path/k.pem"},
			func(string) ([]byte, error) { return nil, errors.New("io") }, "PRIVATE_KEY_FILE: file cannot be read"},
		{"garbage", map[string]string{"PRIVATE_KEY_FILE": "/secret/path/k.pem"},
			files(map[string][]byte{"/secret/path/k.pem": []byte("sekrit")}), "PRIVATE_KEY_FILE: is not a PEM-encoded private key"},
		{"both", map[string]string{"PRIVATE_KEY_FILE": "/secret/path/k.pem", "PRIVATE_KEY": string(keys.pkcs1)},
			files(nil), "PRIVATE_KEY: set only one of PRIVATE_KEY and PRIVATE_KEY_FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range base {
				tc.vars[k] = v
			}
			_, err := Load(env(tc.vars), tc.read, NeedGitHub)
			got := problems(t, err)
			if !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("problems = %q, want %q", got, tc.want)
			}
			if strings.Contains(err.Error(), "/secret/path") {
				t.Fatal("error names the file path")
			}
		})
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	keys := newTestKeys(t)
	const tokenish = "ghp_SuperSecretToken1234567890"
	// A real key whose one base64 line is broken: the PEM still decodes as
	// text, so the parser sees the material.
	broken := strings.Replace(string(keys.pkcs1), "\n", "\n"+tokenish, 2)
	m := map[string]string{
		"APP_ID":                 tokenish,
		"PRIVATE_KEY":            broken,
		"WEBHOOK_SECRET":         tokenish,
		"AGENT_GITHUB_USERNAME":  tokenish + "!",
		"APP_BOT_LOGIN":          tokenish,
		"CODER_URL":              "coder.example.com/" + tokenish,
		"CODER_TOKEN":            tokenish,
		"GITHUB_API_URL":         "https://x/?token=" + tokenish,
		"TEMPORAL_ADDRESS":       tokenish,
		"CODER_POLL_INTERVAL":    tokenish,
		"PORT":                   tokenish,
		"LOG_FORMAT":             tokenish,
		"LOG_LEVEL":              tokenish,
		"CODER_TASK_NAME_PREFIX": tokenish,
	}
	_, err := Load(env(m), files(nil), NeedAll)
	if err == nil {
		t.Fatal("want an error")
	}
	if got := problems(t, err); len(got) < 10 {
		t.Fatalf("only %d problems: %q", len(got), got)
	}
	for _, leak := range []string{tokenish, "MII", "BEGIN"} {
		if strings.Contains(err.Error(), leak) || strings.Contains(fmt.Sprintf("%+v", err), leak) {
			t.Fatalf("error text contains %q:\n%s", leak, err)
		}
	}
}

func TestNeeds(t *testing.T) {
	keys := newTestKeys(t)
	app := map[string]string{"APP_ID": "1", "PRIVATE_KEY": string(keys.pkcs8), "AGENT_GITHUB_USERNAME": "a"}
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		needs Needs
		want  []string
	}{
		{"none needed, nothing set", nil, 0, nil},
		{"worker without webhook secret", merge(app, map[string]string{"CODER_URL": "http://c", "CODER_TOKEN": "t"}), NeedGitHub | NeedCoder, nil},
		{"ingress without coder", merge(app, map[string]string{"WEBHOOK_SECRET": "s"}), NeedGitHub | NeedWebhook, nil},
		{"webhook needs agent", map[string]string{"WEBHOOK_SECRET": "s"}, NeedWebhook, []string{"AGENT_GITHUB_USERNAME: is required"}},
		{"github group", nil, NeedGitHub, []string{"APP_ID: is required", "PRIVATE_KEY: is required (or set PRIVATE_KEY_FILE)", "AGENT_GITHUB_USERNAME: is required"}},
		{"coder group", nil, NeedCoder, []string{"CODER_URL: is required", "CODER_TOKEN: is required"}},
		{"half github set", map[string]string{"APP_ID": "1"}, 0, []string{"PRIVATE_KEY: is required (or set PRIVATE_KEY_FILE)"}},
		{"half key set", map[string]string{"PRIVATE_KEY": string(keys.pkcs1)}, 0, []string{"APP_ID: is required"}},
		{"half coder set", map[string]string{"CODER_TOKEN": "t"}, 0, []string{"CODER_URL: is required"}},
		{"coder url without token", map[string]string{"CODER_URL": "http://c"}, 0, []string{"CODER_TOKEN: is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.vars), files(nil), tc.needs)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := problems(t, err); !slices.Equal(got, tc.want) {
				t.Fatalf("problems = %q, want %q", got, tc.want)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestSimulated(t *testing.T) {
	keys := newTestKeys(t)
	for _, tc := range []struct {
		name string
		vars map[string]string
		want bool
	}{
		{"nothing", nil, true},
		{"only webhook and agent", map[string]string{"WEBHOOK_SECRET": "s", "AGENT_GITHUB_USERNAME": "a"}, true},
		{"coder", map[string]string{"CODER_URL": "http://c", "CODER_TOKEN": "t"}, false},
		{"app", map[string]string{"APP_ID": "1", "PRIVATE_KEY": string(keys.pkcs1)}, false},
	} {
		c, err := Load(env(tc.vars), files(nil), 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Simulated() != tc.want {
			t.Errorf("%s: Simulated() = %v, want %v", tc.name, c.Simulated(), tc.want)
		}
	}
}

func TestLogValueRedacts(t *testing.T) {
	keys := newTestKeys(t)
	c, err := Load(env(full(keys)), files(nil), NeedAll)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", c)
	var rec struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"private_key", "webhook_secret", "coder_token"} {
		if rec.Config[k] != "[redacted]" {
			t.Errorf("%s = %v, want [redacted]", k, rec.Config[k])
		}
	}
	if rec.Config["coder_url"] != "https://coder.example.com" || rec.Config["app_id"] != float64(12345) {
		t.Errorf("non-secret fields missing: %v", rec.Config)
	}
	printed := buf.String() + fmt.Sprintf("%v %+v %s %#v", c, c, c, c)
	for _, s := range []string{"whsec-value", "tok-value", "PRIVATE KEY", "MII"} {
		if strings.Contains(printed, s) {
			t.Fatalf("secret %q printed: %s", s, printed)
		}
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	l, err := NewLogger("json", "warn", &buf)
	if err != nil {
		t.Fatal(err)
	}
	l.Info("hidden")
	l.Warn("shown", "k", "v")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), `"msg":"shown"`) {
		t.Fatalf("json/warn output: %s", buf.String())
	}
	buf.Reset()
	l, err = NewLogger("text", "debug", &buf)
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("dbg")
	if !strings.Contains(buf.String(), "level=DEBUG msg=dbg") {
		t.Fatalf("text/debug output: %s", buf.String())
	}
	// coder-action's LOG_FORMAT=pretty is the text format.
	buf.Reset()
	l, err = NewLogger("pretty", "info", &buf)
	if err != nil {
		t.Fatal(err)
	}
	l.Info("nice")
	if !strings.Contains(buf.String(), "level=INFO msg=nice") {
		t.Fatalf("pretty output: %s", buf.String())
	}
	m := full(newTestKeys(t))
	m["LOG_FORMAT"] = "pretty"
	if _, err := Load(env(m), files(nil), NeedAll); err != nil {
		t.Fatalf("LOG_FORMAT=pretty refused: %v", err)
	}
	if _, err := NewLogger("xml", "info", &buf); err == nil {
		t.Fatal("bad format accepted")
	}
	if _, err := NewLogger("json", "loud", &buf); err == nil {
		t.Fatal("bad level accepted")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSchemaServedByIngressAndPrinted(t *testing.T) {
	s := newStack(t)
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(s.ingress.URL + "/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	served, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/schema+json" || resp.Header.Get("Cache-Control") == "" {
		t.Fatalf("GET /schema.json: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"schema"}, &out, io.Discard); code != 0 {
		t.Fatalf("schema exited %d", code)
	}
	if !bytes.Equal(bytes.TrimSpace(out.Bytes()), bytes.TrimSpace(served)) {
		t.Fatal("`code-factory schema` differs from /schema.json")
	}
	var doc map[string]any
	if err := json.Unmarshal(served, &doc); err != nil || doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Fatalf("schema is not a draft 2020-12 document: %v", err)
	}
}

func TestValidateCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(good, []byte("[sandbox]\nsize = \"small\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("[sandbox]\nsize = \"tiny\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"validate", good}, 0, "OK"},
		{[]string{"validate", bad}, 1, "sandbox.size"},
		{[]string{"validate", "--json", bad}, 1, `"valid":false`},
		{[]string{"validate", filepath.Join(dir, "missing.toml")}, 2, "cannot read"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, &out, &errb)
		if code != c.code || !strings.Contains(out.String()+errb.String(), c.out) {
			t.Errorf("%v: exit %d output %q, want exit %d containing %q", c.args, code, out.String()+errb.String(), c.code, c.out)
		}
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("unknown command: exit %d %q", code, errb.String())
	}
	for _, cmd := range []string{"dev", "serve", "worker", "ingress", "send", "schema", "validate"} {
		errb.Reset()
		if code := run(context.Background(), []string{cmd, "--help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "usage: code-factory "+cmd) {
			t.Errorf("%s --help: exit %d %q", cmd, code, errb.String())
		}
	}
}

func TestDevRefusesAnUnknownCoderAPI(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"dev", "--coder-api", "agents"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `--coder-api "agents" is not chats, tasks or both`) {
		t.Fatalf("exit %d %q, want 2 with the accepted values", code, errb.String())
	}
	errb.Reset()
	run(context.Background(), []string{"dev", "--help"}, &out, &errb)
	if !strings.Contains(errb.String(), "-coder-api") || !strings.Contains(errb.String(), `(default "chats")`) {
		t.Fatalf("dev --help = %q, want --coder-api defaulting to chats", errb.String())
	}
}

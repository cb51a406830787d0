package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateHuman(t *testing.T) {
	valid := writeFile(t, "[sandbox]\nsize = \"small\"\n")
	warned := writeFile(t, "[sandbox]\ngpu = true\n")
	invalid := writeFile(t, "[sandbox]\nextra = 1\nsize = \""+secret+"\"\n[[sandbox.volumes]]\n")
	broken := writeFile(t, "[sandbox\n")
	missing := filepath.Join(t.TempDir(), "nope.toml")
	cases := []struct {
		path string
		code int
		want string
	}{
		{valid, ExitValid, valid + ": OK\n"},
		{warned, ExitValid, "warning: " + warned + ":2: sandbox.gpu: unknown key, ignored\n" + warned + ": OK\n"},
		{invalid, ExitInvalid, invalid + `:3: sandbox.size: must be one of "small", "medium", "large"` + "\n" +
			invalid + ":4: sandbox.volumes[0].path: is required\n" +
			"warning: " + invalid + ":2: sandbox.extra: unknown key, ignored\n"},
		{broken, ExitInvalid, broken + ":1: invalid TOML at column 9: expected ']' to close table name\n"},
		{missing, ExitUnreadable, "cannot read " + missing + ": no such file or directory\n"},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		if code := Validate(&out, tc.path, false); code != tc.code {
			t.Errorf("%s: exit %d, want %d", tc.path, code, tc.code)
		}
		if out.String() != tc.want {
			t.Errorf("output:\n got  %q\n want %q", out.String(), tc.want)
		}
		if strings.Contains(out.String(), "s3cr3t") {
			t.Errorf("output echoes a value: %s", out.String())
		}
	}
}

func TestValidateDefaultPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".code-factory"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultPath), []byte("[harness]\nprovider = \"codex\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var out bytes.Buffer
	if code := Validate(&out, "", false); code != ExitValid || out.String() != DefaultPath+": OK\n" {
		t.Errorf("exit %d, output %q", code, out.String())
	}
}

func TestValidateJSON(t *testing.T) {
	invalid := writeFile(t, "[sandbox]\nextra = 1\ndocker = \""+secret+"\"\n")
	var out bytes.Buffer
	if code := Validate(&out, invalid, true); code != ExitInvalid {
		t.Errorf("exit %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out.String())
	}
	want := map[string]any{
		"valid":    false,
		"errors":   []any{map[string]any{"path": "sandbox.docker", "line": float64(3), "rule": "expected a boolean"}},
		"warnings": []any{map[string]any{"path": "sandbox.extra", "line": float64(2), "rule": "unknown key, ignored"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if strings.Contains(out.String(), "s3cr3t") {
		t.Error("output echoes a value")
	}

	out.Reset()
	if code := Validate(&out, writeFile(t, ""), true); code != ExitValid || out.String() != `{"valid":true,"errors":[],"warnings":[]}`+"\n" {
		t.Errorf("valid: exit %d, output %s", code, out.String())
	}

	out.Reset()
	missing := filepath.Join(t.TempDir(), "nope.toml")
	if code := Validate(&out, missing, true); code != ExitUnreadable {
		t.Errorf("missing: exit %d", code)
	}
	got = nil
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got["valid"] != false || !strings.Contains(got["read_error"].(string), "cannot read") {
		t.Errorf("missing: output %s (%v)", out.String(), err)
	}
}

func TestValidateDirectoryIsUnreadable(t *testing.T) {
	var out bytes.Buffer
	if code := Validate(&out, t.TempDir(), false); code != ExitUnreadable || !strings.HasPrefix(out.String(), "cannot read ") {
		t.Errorf("exit %d, output %q", code, out.String())
	}
}

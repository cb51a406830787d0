package schema

import (
	"errors"
	"io/fs"
	"os"
	"regexp"
	"testing"
)

// tomlBlocks returns the bodies of the ```toml fenced blocks of a Markdown file.
func tomlBlocks(md string) []string {
	re := regexp.MustCompile("(?ms)^```toml[ \t]*\r?\n(.*?)^```[ \t]*$")
	var out []string
	for _, m := range re.FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// docExamples returns the TOML examples of docs/config.md (exactly three)
// and of README.md when it has any.
func docExamples(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatalf("reading docs/config.md: %v", err)
	}
	docs := tomlBlocks(string(b))
	if len(docs) != 3 {
		t.Fatalf("docs/config.md has %d toml blocks, want 3 (minimal, typical, everything)", len(docs))
	}
	readme, err := os.ReadFile("../README.md")
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		t.Fatalf("reading README.md: %v", err)
	default:
		docs = append(docs, tomlBlocks(string(readme))...)
	}
	return docs
}

func TestDocExamples(t *testing.T) {
	s := loadSchema(t)
	for i, doc := range docExamples(t) {
		cfg, res := Parse([]byte(doc))
		if !res.OK() || len(res.Warnings) != 0 {
			t.Errorf("example %d:\n%s\nproblems: %v %v", i, doc, strs(res.Errors), strs(res.Warnings))
			continue
		}
		if cfg == nil {
			t.Errorf("example %d: no config", i)
		}
		if ok, violations := schemaVerdict(t, s, doc); !ok {
			t.Errorf("example %d does not validate against the schema: %q", i, violations)
		}
	}
}

func TestTomlBlocks(t *testing.T) {
	md := "x\n```toml\na = 1\n```\n```text\nb\n```\n```toml\n[c]\n```\n"
	got := tomlBlocks(md)
	if len(got) != 2 || got[0] != "a = 1\n" || got[1] != "[c]\n" {
		t.Errorf("tomlBlocks = %q", got)
	}
}

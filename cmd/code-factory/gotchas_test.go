package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGotchasNameRealTests keeps docs/gotchas.md honest: every regression
// test an entry names ("pkg/TestName") exists in that package, and every
// entry names at least one.
func TestGotchasNameRealTests(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "gotchas.md"))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile("`([a-z][a-z/-]*)/(Test[A-Za-z0-9_]+)`")
	entries := strings.Split(string(doc), "\n## ")[1:]
	if len(entries) < 10 {
		t.Fatalf("%d entries; the file was not read right", len(entries))
	}
	for _, e := range entries {
		title, _, _ := strings.Cut(e, "\n")
		refs := ref.FindAllStringSubmatch(e, -1)
		if len(refs) == 0 {
			t.Errorf("entry %q names no regression test", title)
		}
		for _, r := range refs {
			files, _ := filepath.Glob(filepath.Join(root, r[1], "*_test.go"))
			found := false
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(b), "func "+r[2]+"(") {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("entry %q names %s/%s, which does not exist", title, r[1], r[2])
			}
		}
	}
}

//go:build !prod

package main

import (
	"runtime/debug"
	"testing"
)

// dev sets its soft memory limit unless the person running it set
// GOMEMLIMIT, which the Go runtime already applied.
func TestDevMemoryLimitUnlessGOMEMLIMITIsSet(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	const theirs = 3 << 30
	debug.SetMemoryLimit(theirs)
	if _, set := devMemoryLimit(func(k string) string { return map[string]string{"GOMEMLIMIT": "3GiB"}[k] }); set {
		t.Fatal("dev set its limit although GOMEMLIMIT was set")
	}
	if got := debug.SetMemoryLimit(-1); got != theirs {
		t.Fatalf("limit = %d, want GOMEMLIMIT's %d kept", got, int64(theirs))
	}

	limit, set := devMemoryLimit(func(string) string { return "" })
	if !set || limit != 900<<20 {
		t.Fatalf("devMemoryLimit = %d, %v; want 900 MiB set", limit, set)
	}
	if got := debug.SetMemoryLimit(-1); got != 900<<20 {
		t.Fatalf("runtime limit = %d, want 900 MiB", got)
	}
}

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The production build (-tags prod) leaves out the embedded Temporal
// server, its UI and the fakes: `dev` exists only in the default build.
func TestProductionBuildLeavesOutDev(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "prod", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"go.temporal.io/server/", "github.com/temporalio/ui-server", "/internal/fakes/", "/internal/devserver"} {
			if strings.Contains(pkg, banned) {
				t.Errorf("the production build includes %s", pkg)
			}
		}
	}
	for _, c := range commands() {
		if c.name == "dev" {
			return
		}
	}
	t.Fatal("the default build has no dev command")
}

package devserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// killChildEnv makes the test binary a server process that records a
// workflow and a signal, says so, and waits to be killed. Its value is
// "<db path>|<frontend address>".
const killChildEnv = "CODE_FACTORY_DEVSERVER_KILL_CHILD"

// persisted is what the child prints once the signal was accepted.
const persisted = "signal persisted"

func TestMain(m *testing.M) {
	if v := os.Getenv(killChildEnv); v != "" {
		os.Exit(runKillChild(v))
	}
	os.Exit(m.Run())
}

// runKillChild starts a server on the file database, starts a workflow and
// signals it, prints persisted once the frontend answered, and blocks.
func runKillChild(v string) int {
	db, addr, _ := strings.Cut(v, "|")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	s, err := Start(ctx, Options{DB: db, FrontendAddress: addr, UIPort: UIDisabled, Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddress(), Namespace: s.Namespace(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "killed-1", TaskQueue: "q"}, "waitForSignal"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := c.SignalWorkflow(ctx, "killed-1", "", "go", "before the kill"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(persisted)
	select {}
}

// A dev server on a file database (WAL, synchronous=NORMAL) killed with
// SIGKILL right after it accepted a workflow start and a signal keeps
// both: the next server on the file runs the workflow with that signal.
func TestFileServerKeepsAcceptedWorkAcrossKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dev.db")
	addr, _, _ := twoPorts(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+db+"|"+addr)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != persisted {
		t.Fatalf("child said %q (%v), want %q", line, err, persisted)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("child ended with %v, want killed", err)
	}

	logger := testLogger(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Start(ctx, Options{DB: db, FrontendAddress: addr, UIPort: UIDisabled, Logger: logger})
	if err != nil {
		t.Fatalf("Start after the kill: %v", err)
	}
	defer func() { _ = s.Stop() }()
	c, closeWorker := connect(t, s, logger)
	defer closeWorker()
	var got string
	if err := c.GetWorkflow(ctx, "killed-1", "").Get(ctx, &got); err != nil {
		t.Fatalf("workflow after the kill: %v", err)
	}
	if got != "got before the kill" {
		t.Fatalf("workflow result %q, want the signal sent before the kill", got)
	}
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/code-factory/code-factory/internal/config"
)

// childWorkerEnv carries a worker's configuration (JSON) to a child process
// of the test binary, which then runs only that worker.
const childWorkerEnv = "CODE_FACTORY_E2E_CHILD_WORKER"

// childReady is what a child worker prints once it polls; childStopping
// once it was told to stop and is stopping its worker.
const (
	childReady    = "child worker ready"
	childStopping = "child worker stopping"
)

// runChildWorker is the child process: a worker wired as in the parent's
// stack, until it is killed or told to stop.
func runChildWorker() int {
	var cfg config.Config
	if err := json.Unmarshal([]byte(os.Getenv(childWorkerEnv)), &cfg); err != nil {
		fmt.Fprintf(os.Stderr, "child worker config: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := dialTemporal(ctx, &cfg, logger, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	w, closeActs, err := startTestWorker(ctx, &cfg, c, logger, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(childReady)
	<-ctx.Done()
	fmt.Println(childStopping)
	w.Stop()
	closeActs()
	return 0
}

// startChildWorker runs this stack's worker as a separate process (the
// test binary again) and returns once it polls. The in-process worker
// should be stopped first, so the child takes every task.
func (s *stack) startChildWorker() *exec.Cmd {
	s.t.Helper()
	b, err := json.Marshal(s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childWorkerEnv+"="+string(b))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	s.childOut = bufio.NewReader(out)
	s.waitChild(childReady)
	return cmd
}

// waitChild reads the child worker's output up to the line want.
func (s *stack) waitChild(want string) {
	s.t.Helper()
	line, err := s.childOut.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != want {
		s.t.Fatalf("child worker said %q (%v), want %q", line, err, want)
	}
}

// killChild kills a child worker as the kernel's OOM killer or kill -9 would.
func (s *stack) killChild(cmd *exec.Cmd) {
	s.t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		s.t.Fatalf("child worker ended with %v, want killed", err)
	}
}

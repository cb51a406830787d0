package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// proc is a child process whose output is prefixed onto this one's stderr.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// startProc starts bin with args; when ready is set it returns once the
// process printed that line.
func startProc(name, bin string, env []string, ready string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	if env != nil {
		cmd.Env = env
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errOut, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan error, 1)}
	seen := make(chan struct{})
	go prefix(name, errOut, "", nil)
	go prefix(name, out, ready, seen)
	go func() { p.done <- cmd.Wait() }()
	if ready == "" {
		return p, nil
	}
	select {
	case <-seen:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("%s exited before it was ready: %v", name, err)
	case <-time.After(3 * time.Minute):
		_ = p.kill()
		return nil, fmt.Errorf("%s not ready in 3 minutes", name)
	}
}

func prefix(name string, r io.Reader, ready string, seen chan struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if ready != "" && seen != nil && strings.Contains(line, ready) {
			close(seen)
			seen = nil
		}
		fmt.Fprintf(os.Stderr, "[%s] %s\n", name, line)
	}
}

// stop sends SIGTERM and waits (SIGKILL after 30 s).
func (p *proc) stop() error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		return nil
	case <-time.After(30 * time.Second):
		return p.kill()
	}
}

// kill sends SIGKILL, as the OOM killer would, and waits.
func (p *proc) kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	err := <-p.done
	p.done <- err
	return nil
}

// runProc runs bin to completion and returns its combined output.
func runProc(ctx context.Context, bin string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

package devserver

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// logBuffer collects log output and prints it only when the test fails, so
// goroutines logging after the test ends never touch testing.T.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func testLogger(t *testing.T) *slog.Logger {
	b := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			defer b.mu.Unlock()
			t.Logf("logs:\n%s", b.buf.String())
		}
	})
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func greet(ctx context.Context, name string) (string, error) {
	return "hello, " + name, nil
}

func greeting(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var out string
	err := workflow.ExecuteActivity(ctx, "greet", name).Get(ctx, &out)
	return out, err
}

func waitForSignal(ctx workflow.Context) (string, error) {
	if err := workflow.SetQueryHandler(ctx, "phase", func() (string, error) { return "waiting", nil }); err != nil {
		return "", err
	}
	var v string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &v)
	return "got " + v, nil
}

// connect dials the server and runs a worker with both workflows on queue "q".
func connect(t *testing.T, s *Server, logger *slog.Logger) (client.Client, func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.FrontendAddress(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(logger),
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	w := worker.New(c, "q", worker.Options{})
	w.RegisterWorkflowWithOptions(greeting, workflow.RegisterOptions{Name: "greeting"})
	w.RegisterWorkflowWithOptions(waitForSignal, workflow.RegisterOptions{Name: "waitForSignal"})
	w.RegisterActivityWithOptions(greet, activity.RegisterOptions{Name: "greet"})
	if err := w.Start(); err != nil {
		c.Close()
		t.Fatalf("worker: %v", err)
	}
	return c, func() { w.Stop(); c.Close() }
}

// twoPorts returns two distinct free loopback ports as addresses.
func twoPorts(t *testing.T) (frontend, ui string, uiPort int) {
	t.Helper()
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	at := func(p int) string { return net.JoinHostPort(loopback, strconv.Itoa(p)) }
	return at(ports[0]), at(ports[1]), ports[1]
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

func TestInMemoryServerRunsWorkflowAndUI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	logger := testLogger(t)
	addr, uiAddr, uiPort := twoPorts(t)

	s, err := Start(ctx, Options{DB: MemoryDB, FrontendAddress: addr, UIPort: uiPort, Namespace: "dev-test", Logger: logger, LogLevel: "info"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = s.Stop()
		}
	}()
	if s.FrontendAddress() != addr || s.Namespace() != "dev-test" || s.UIURL() != "http://"+uiAddr {
		t.Fatalf("got frontend %q namespace %q ui %q", s.FrontendAddress(), s.Namespace(), s.UIURL())
	}

	c, closeWorker := connect(t, s, logger)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "greet-1", TaskQueue: "q"}, "greeting", "world")
	if err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if out != "hello, world" {
		t.Fatalf("workflow result %q", out)
	}
	closeWorker()

	if code, body := httpGet(t, s.UIURL()+"/"); code != http.StatusOK || !strings.Contains(strings.ToLower(body), "<html") {
		t.Fatalf("UI index: status %d, body %.200q", code, body)
	}
	if code, body := httpGet(t, s.UIURL()+"/api/v1/namespaces/dev-test"); code != http.StatusOK || !strings.Contains(body, `"dev-test"`) {
		t.Fatalf("UI API: status %d, body %.300q", code, body)
	}

	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	for _, a := range []string{addr, uiAddr} {
		if conn, err := net.DialTimeout("tcp", a, 2*time.Second); err == nil {
			_ = conn.Close()
			t.Fatalf("%s still accepts connections after Stop", a)
		}
	}
}

func TestFileServerKeepsWorkflowsAcrossRestart(t *testing.T) {
	logger := testLogger(t)
	db := filepath.Join(t.TempDir(), "state", "dev.db")
	addr, _, _ := twoPorts(t)
	opts := Options{DB: db, FrontendAddress: addr, UIPort: UIDisabled, Logger: logger}

	// First run: start a workflow that blocks on a signal and see it waiting.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("first Start: %v", err)
	}
	c, closeWorker := connect(t, s, logger)
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "durable-1", TaskQueue: "q"}, "waitForSignal"); err != nil {
		t.Fatalf("ExecuteWorkflow: %v", err)
	}
	for {
		v, err := c.QueryWorkflow(ctx, "durable-1", "", "phase")
		if err == nil {
			var phase string
			if err := v.Get(&phase); err != nil || phase != "waiting" {
				t.Fatalf("phase %q, %v", phase, err)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("workflow never became queryable: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	closeWorker()
	if err := s.Stop(); err != nil {
		t.Fatalf("first Stop: %v", err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("database file: %v", err)
	}

	// Second run on the same file and address: the workflow is still there.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel2()
	s2, err := Start(ctx2, opts)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	defer func() { _ = s2.Stop() }()
	c2, closeWorker2 := connect(t, s2, logger)
	defer closeWorker2()
	if err := c2.SignalWorkflow(ctx2, "durable-1", "", "go", "ping"); err != nil {
		t.Fatalf("SignalWorkflow: %v", err)
	}
	var out string
	if err := c2.GetWorkflow(ctx2, "durable-1", "").Get(ctx2, &out); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if out != "got ping" {
		t.Fatalf("workflow result %q", out)
	}
}

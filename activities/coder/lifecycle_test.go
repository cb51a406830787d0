package coder_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func check(t *testing.T, e *env, ref coder.Ref) coder.Phase {
	t.Helper()
	r, err := e.backend.Check(context.Background(), ref)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r.Phase
}

func TestSendReadiness(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()
	ref := e.create(t, spec())

	err := e.backend.Send(ctx, ref, "too early")
	var apiErr *coder.Error
	if !errors.Is(err, coder.ErrNotReady) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		t.Fatalf("send while initializing: %v, want ErrNotReady wrapping a 409", err)
	}
	if p := check(t, e, ref); p != coder.PhaseStarting {
		t.Fatalf("phase %q, want starting", p)
	}
	if p := check(t, e, ref); p != coder.PhaseReady {
		t.Fatalf("phase %q, want ready", p)
	}
	if err := e.backend.Send(ctx, ref, "first"); err != nil {
		t.Fatalf("send while idle: %v", err)
	}
	err = e.backend.Send(ctx, ref, "while working")
	if !errors.Is(err, coder.ErrNotReady) || !coder.IsStatus(err, http.StatusBadGateway) {
		t.Fatalf("send while working: %v, want ErrNotReady wrapping a 502", err)
	}
	r, err := e.backend.Check(ctx, ref)
	if err != nil || r != (coder.Readiness{Phase: coder.PhaseBusy, Status: "active", State: "working"}) {
		t.Fatalf("Check = %+v, %v; want busy active/working", r, err)
	}
	if p := check(t, e, ref); p != coder.PhaseReady {
		t.Fatalf("phase %q, want ready", p)
	}
	if err := e.backend.Send(ctx, ref, "second"); err != nil {
		t.Fatalf("send after work: %v", err)
	}
	if got := e.fake.Sent(ref.ID); len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("sent = %q", got)
	}
}

func TestCheckPhases(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ref := e.create(t, spec())
	if err := e.fake.Hold(ref.ID); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	cases := []struct {
		status string
		state  *string
		want   coder.Phase
	}{
		{"pending", nil, coder.PhaseStarting},
		{"initializing", nil, coder.PhaseStarting},
		{"active", nil, coder.PhaseNoState},
		{"active", str("working"), coder.PhaseBusy},
		{"active", str("idle"), coder.PhaseReady},
		{"active", str("complete"), coder.PhaseReady},
		{"active", str("failed"), coder.PhaseReady},
		{"active", str("failure"), coder.PhaseReady},
		{"paused", str("idle"), coder.PhasePaused},
		{"error", nil, coder.PhaseErrored},
		{"unknown", nil, coder.PhaseErrored},
	}
	for _, tc := range cases {
		if err := e.fake.SetTask(ref.ID, tc.status, tc.state); err != nil {
			t.Fatal(err)
		}
		r, err := e.backend.Check(context.Background(), ref)
		wantState := ""
		if tc.state != nil {
			wantState = *tc.state
		}
		if err != nil || r != (coder.Readiness{Phase: tc.want, Status: tc.status, State: wantState}) {
			t.Errorf("%s/%s: Check = %+v, %v; want phase %s", tc.status, wantState, r, err, tc.want)
		}
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()
	ref := e.create(t, spec())
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if len(e.fake.Tasks()) != 0 {
		t.Fatal("task still exists")
	}
	if p := check(t, e, ref); p != coder.PhaseGone {
		t.Fatalf("phase after delete %q, want gone", p)
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatalf("second Delete (404): %v, want nil", err)
	}
	if n := e.fake.Count("DELETE", "/api/v2/tasks/alice/"+ref.ID); n != 2 {
		t.Fatalf("%d DELETEs, want 2", n)
	}
	if n := e.fake.Count("", "/api/experimental"); n != 0 {
		t.Fatalf("a resource 404 caused %d experimental requests", n)
	}
}

func TestResume(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()
	ref := e.create(t, spec())
	check(t, e, ref) // → active/idle
	if err := e.fake.PauseTask(ref.ID); err != nil {
		t.Fatal(err)
	}
	if p := check(t, e, ref); p != coder.PhasePaused {
		t.Fatalf("phase %q, want paused", p)
	}
	if err := e.backend.Send(ctx, ref, "x"); !errors.Is(err, coder.ErrNotReady) {
		t.Fatalf("send while paused: %v, want ErrNotReady", err)
	}
	e.fake.Reset()
	noWS := ref
	noWS.WorkspaceID = "" // Resume looks the workspace up
	if err := e.backend.Resume(ctx, noWS); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	reqs := e.fake.Requests()
	if len(reqs) != 2 || reqs[1].Method != "POST" || reqs[1].Path != "/api/v2/workspaces/"+ref.WorkspaceID+"/builds" || string(reqs[1].Body) != `{"transition":"start"}` {
		t.Fatalf("requests = %+v", reqs)
	}
	// A second start while the first build runs is a 409: still success.
	if err := e.backend.Resume(ctx, ref); err != nil {
		t.Fatalf("repeated Resume: %v", err)
	}
	if p := check(t, e, ref); p != coder.PhaseStarting {
		t.Fatalf("phase after resume %q, want starting", p)
	}
	if p := check(t, e, ref); p != coder.PhaseReady {
		t.Fatalf("phase %q, want ready", p)
	}
}

func TestRefAndReadinessJSON(t *testing.T) {
	b, err := json.Marshal(coder.Ref{ID: "i", Name: "n", Owner: "o", WorkspaceID: "w", URL: "u"})
	if err != nil || string(b) != `{"id":"i","name":"n","owner":"o","workspace_id":"w","url":"u"}` {
		t.Fatalf("TaskRef JSON = %s, %v", b, err)
	}
	b, err = json.Marshal(coder.Readiness{Phase: coder.PhaseBusy, Status: "active", State: "working"})
	if err != nil || string(b) != `{"phase":"busy","status":"active","state":"working"}` {
		t.Fatalf("Readiness JSON = %s, %v", b, err)
	}
}

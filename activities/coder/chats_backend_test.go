package coder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

// chatEnv is a Chats-only fake Coder with alice (GitHub id 7), an admin
// token and a ChatsBackend acting as the person who asked.
type chatEnv struct {
	fake    *fakecoder.Server
	client  *coder.Client
	backend *coder.ChatsBackend
	logs    *bytes.Buffer
}

func newChatEnv(t *testing.T, opts fakecoder.Options, identity coder.Identity) *chatEnv {
	t.Helper()
	opts.Token = token
	if opts.API == fakecoder.APIBoth {
		opts.API = fakecoder.APIChats
	}
	f := fakecoder.New(opts)
	t.Cleanup(f.Close)
	f.AddUser(7, "alice")
	f.AddTemplate("default", "code-factory")
	c := coder.NewClient(f.URL(), token, nil)
	logs := &bytes.Buffer{}
	b := coder.NewChatsBackend(c, coder.ChatsConfig{
		Organization: "default", PublicURL: publicURL, Identity: identity,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	t.Cleanup(b.Close)
	return &chatEnv{fake: f, client: c, backend: b, logs: logs}
}

func chatSpec() coder.CreateSpec {
	return coder.CreateSpec{
		Name: "gh-widgets-42", Owner: "alice", Prompt: "Resolve https://github.com/acme/widgets/issues/42",
		Labels: coder.IssueLabels(99, "acme/widgets", 42),
	}
}

func TestChatCreatedAsTheAssignerWithLabelsAndAdopted(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, adopted, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil || adopted {
		t.Fatalf("CreateOrAdopt = %+v, %v, %v", ref, adopted, err)
	}
	created := e.fake.Created()
	if len(created) != 1 || created[0].Kind != fakecoder.KindChat || created[0].Owner != "alice" {
		t.Fatalf("created = %+v, want one chat owned by alice", created)
	}
	var body map[string]any
	if err := json.Unmarshal(created[0].Raw, &body); err != nil {
		t.Fatal(err)
	}
	content, _ := json.Marshal(body["content"])
	labels, _ := json.Marshal(body["labels"])
	if string(content) != `[{"text":"Resolve https://github.com/acme/widgets/issues/42","type":"text"}]` ||
		string(labels) != `{"code-factory/issue":"42","code-factory/repo":"acme/widgets","code-factory/repo-id":"99"}` ||
		body["client_type"] != "api" || body["organization_id"] == "" || body["workspace_id"] != nil {
		t.Fatalf("create body = %s", created[0].Raw)
	}
	want := coder.Ref{Kind: coder.KindChat, ID: created[0].ID, Name: "gh-widgets-42", Owner: "alice", URL: publicURL + "/agents/" + created[0].ID}
	if ref != want {
		t.Fatalf("ref = %+v\nwant %+v", ref, want)
	}
	// A retried create finds the live chat by its labels.
	again, adopted, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil || !adopted || again != ref || len(e.fake.Created()) != 1 {
		t.Fatalf("retry = %+v adopted=%v err=%v; %d chats", again, adopted, err, len(e.fake.Created()))
	}
	// One token was minted for alice and reused.
	if m := e.fake.Minted(); len(m) != 1 || m[0].User != "alice" {
		t.Fatalf("minted = %+v, want one token for alice", m)
	}
	// An archived chat is not adopted.
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	fresh, adopted, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil || adopted || fresh.ID == ref.ID {
		t.Fatalf("after archive: %+v adopted=%v err=%v, want a new chat", fresh, adopted, err)
	}
}

func TestChatPhases(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		phase  coder.Phase
		status string
	}{{coder.PhaseBusy, "pending"}, {coder.PhaseBusy, "running"}, {coder.PhaseReady, "waiting"}} {
		r, err := e.backend.Check(ctx, ref)
		if err != nil || r.Phase != want.phase || r.Status != want.status {
			t.Fatalf("Check = %+v, %v; want %s/%s", r, err, want.phase, want.status)
		}
	}
	if err := e.fake.SetChatError(ref.ID, "The model provider rejected the request: missing API key"); err != nil {
		t.Fatal(err)
	}
	r, err := e.backend.Check(ctx, ref)
	if err != nil || r.Phase != coder.PhaseErrored || r.Error != "The model provider rejected the request: missing API key" {
		t.Fatalf("errored chat: %+v, %v", r, err)
	}
	if err := e.fake.SetChatPullRequest(ref.ID, 7); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.backend.Check(ctx, ref); r.PullRequest != "https://github.com/acme/widgets/pull/7" {
		t.Fatalf("pull request = %q", r.PullRequest)
	}
	// A status this code does not know is busy (never interrupted), logged once.
	if err := e.fake.SetChatStatus(ref.ID, "contemplating"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r, _ := e.backend.Check(ctx, ref); r.Phase != coder.PhaseBusy {
			t.Fatalf("unknown status: phase %q", r.Phase)
		}
	}
	if n := strings.Count(e.logs.String(), "unknown Coder chat status"); n != 1 {
		t.Fatalf("unknown status logged %d times, want 1:\n%s", n, e.logs)
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.backend.Check(ctx, ref); r.Phase != coder.PhaseGone {
		t.Fatalf("archived chat: phase %q, want gone", r.Phase)
	}
}

func TestChatSendIsQueuedWhileTheAgentWorks(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil {
		t.Fatal(err)
	}
	if !e.backend.QueuesInput() {
		t.Fatal("the chats backend must not wait for idle before sending")
	}
	for _, m := range []string{"first", "second"} {
		if err := e.backend.Send(ctx, ref, m); err != nil {
			t.Fatalf("send %q: %v", m, err)
		}
	}
	got := e.fake.Messages(ref.ID)
	if len(got) != 2 || got[0].Text != "first" || !got[0].Queued || got[1].Text != "second" || !got[1].Queued {
		t.Fatalf("messages = %+v, want both queued behind the first run, in order", got)
	}
}

func TestChatWithConfigGetsItsOwnWorkspace(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{StartupPolls: 2}, coder.IdentityAssigner)
	ctx := context.Background()
	spec := chatSpec()
	spec.TemplateName = "code-factory"
	spec.Params = []coder.Param{{Name: "size", Value: "large"}, {Name: "docker", Value: "true"}}
	ref, _, err := e.backend.CreateOrAdopt(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	ws := e.fake.Workspaces()
	if len(ws) != 1 || ws[0].Name != "gh-widgets-42" || ws[0].OwnerName != "alice" ||
		len(ws[0].RichParameters) != 2 || ws[0].RichParameters[0] != (fakecoder.RichParameter{Name: "size", Value: "large"}) {
		t.Fatalf("workspaces = %+v", ws)
	}
	if c := e.fake.Created(); c[0].WorkspaceID != ws[0].ID || ref.WorkspaceID != ws[0].ID || !ref.OwnsWorkspace {
		t.Fatalf("chat not pinned to its workspace: %+v, ref %+v", c[0], ref)
	}
	// Starting while the workspace builds, then as the chat is.
	var phases []coder.Phase
	for range 3 {
		r, err := e.backend.Check(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		phases = append(phases, r.Phase)
	}
	if phases[0] != coder.PhaseStarting || phases[2] == coder.PhaseStarting {
		t.Fatalf("phases = %v, want starting while the workspace builds, then not", phases)
	}
	// A retried create adopts the chat; one lost after the workspace was
	// made reuses the workspace by name.
	if _, adopted, err := e.backend.CreateOrAdopt(ctx, spec); err != nil || !adopted || len(e.fake.Workspaces()) != 1 {
		t.Fatalf("retry: adopted=%v err=%v workspaces=%d", adopted, err, len(e.fake.Workspaces()))
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	ws = e.fake.Workspaces()
	if !ws[0].DeleteRequested || e.fake.Count("POST", "/api/v2/workspaces/"+ws[0].ID+"/builds") != 1 || e.fake.Ends(ref.ID) != 1 {
		t.Fatalf("workspace %+v, %d delete builds, %d archives; want one of each", ws[0], e.fake.Count("POST", "/api/v2/workspaces/"+ws[0].ID+"/builds"), e.fake.Ends(ref.ID))
	}
}

func TestChatFailedWorkspaceBuildIsAnError(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{StartupPolls: 1}, coder.IdentityAssigner)
	ctx := context.Background()
	spec := chatSpec()
	spec.TemplateName, spec.Params = "code-factory", []coder.Param{}
	ref, _, err := e.backend.CreateOrAdopt(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.fake.FailWorkspaceBuild(ref.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	var r coder.Readiness
	for range 3 {
		if r, err = e.backend.Check(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	if r.Phase != coder.PhaseErrored || !strings.Contains(r.Error, "workspace build failed") {
		t.Fatalf("Check = %+v, want errored with the build failure", r)
	}
}

func TestDeleteInterruptsAWorkingChat(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.backend.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	got := methodsAndPaths(e.fake)
	tail := strings.Join(got[len(got)-3:], "\n")
	want := "GET /api/v2/chats/" + ref.ID + "\nPOST /api/v2/chats/" + ref.ID + "/interrupt\nPATCH /api/v2/chats/" + ref.ID
	if tail != want || e.fake.Interrupts(ref.ID) != 1 || e.fake.Ends(ref.ID) != 1 {
		t.Fatalf("requests end with:\n%s\nwant:\n%s", tail, want)
	}
}

func TestServiceIdentityMintsNothing(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityService)
	ctx := context.Background()
	owner, err := e.backend.LookupOwner(ctx, 12345)
	if err != nil || owner != "admin" {
		t.Fatalf("LookupOwner = %q, %v; want the token's user", owner, err)
	}
	spec := chatSpec()
	spec.Owner = owner
	ref, _, err := e.backend.CreateOrAdopt(ctx, spec)
	if err != nil || !ref.Shared || ref.Owner != "admin" {
		t.Fatalf("ref = %+v, %v; want a shared chat owned by admin", ref, err)
	}
	if m := e.fake.Minted(); len(m) != 0 {
		t.Fatalf("minted %d tokens, want none", len(m))
	}
}

func TestMintRefusedSaysWhatTheTokenNeeds(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	e.fake.AddUser(8, "bob")
	ctx := context.Background()
	// bob's own token may not mint for alice.
	bobTok, err := e.client.CreateToken(ctx, "bob", "bob-token", coder.DefaultTokenLifetime)
	if err != nil {
		t.Fatal(err)
	}
	b := coder.NewChatsBackend(coder.NewClient(e.fake.URL(), bobTok.Key, nil), coder.ChatsConfig{Organization: "default", PublicURL: publicURL})
	defer b.Close()
	_, _, err = b.CreateOrAdopt(ctx, chatSpec())
	if err == nil || !strings.Contains(err.Error(), "Owner or User Admin") || strings.Contains(err.Error(), bobTok.Key) {
		t.Fatalf("err = %v, want the needed role named and no token", err)
	}
	if !coder.IsStatus(err, 403) {
		t.Fatalf("err = %v, want it to wrap the 403", err)
	}
}

func TestRefusedMintedTokenIsReplaced(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireAllTokens()
	_, err = e.backend.Check(ctx, ref)
	if !errors.Is(err, coder.ErrTokenRefused) {
		t.Fatalf("err = %v, want ErrTokenRefused", err)
	}
	for _, m := range e.fake.Minted() {
		if strings.Contains(err.Error(), m.Key) {
			t.Fatal("the error holds the minted token")
		}
	}
	if _, err := e.backend.Check(ctx, ref); err != nil {
		t.Fatalf("retry: %v, want a fresh token", err)
	}
	if n := len(e.fake.Minted()); n != 2 {
		t.Fatalf("minted %d tokens, want 2", n)
	}
}

func TestClosedBackendExpiresItsTokens(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{}, coder.IdentityAssigner)
	if _, _, err := e.backend.CreateOrAdopt(context.Background(), chatSpec()); err != nil {
		t.Fatal(err)
	}
	e.backend.Close()
	if m := e.fake.Minted(); len(m) != 1 || !m[0].Expired {
		t.Fatalf("minted = %+v, want alice's token expired", m)
	}
}

func TestChatCost(t *testing.T) {
	for _, noCost := range []bool{false, true} {
		e := newChatEnv(t, fakecoder.Options{NoChatCost: noCost}, coder.IdentityAssigner)
		ctx := context.Background()
		ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.backend.Cost(ctx, ref)
		want := coder.Cost{Known: true, Micros: 12500, Requests: 3}
		if noCost {
			want = coder.Cost{}
		}
		if err != nil || c != want {
			t.Fatalf("noCost=%v: Cost = %+v, %v; want %+v", noCost, c, err, want)
		}
	}
}

func TestExperimentalChatsFallback(t *testing.T) {
	e := newChatEnv(t, fakecoder.Options{ChatsExperimental: true}, coder.IdentityAssigner)
	ctx := context.Background()
	ref, _, err := e.backend.CreateOrAdopt(ctx, chatSpec())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.backend.Send(ctx, ref, "hi"); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Count("", "/api/v2/chats"); n != 1 {
		t.Fatalf("%d requests to /api/v2/chats, want 1 (then remembered)", n)
	}
	if n := e.fake.Count("POST", "/api/experimental/chats/"+ref.ID+"/messages"); n != 1 {
		t.Fatalf("experimental message posts = %d, want 1", n)
	}
}

func TestLastErrorOfOlderServersIsAString(t *testing.T) {
	var ch coder.Chat
	if err := json.Unmarshal([]byte(`{"id":"x","status":"error","last_error":"rate limited"}`), &ch); err != nil || ch.LastError == nil || ch.LastError.Message != "rate limited" {
		t.Fatalf("string last_error: %+v, %v", ch.LastError, err)
	}
	if err := json.Unmarshal([]byte(`{"id":"x","status":"error","last_error":{"message":"boom","kind":"auth"}}`), &ch); err != nil || ch.LastError.Message != "boom" || ch.LastError.Kind != "auth" {
		t.Fatalf("object last_error: %+v, %v", ch.LastError, err)
	}
}

func TestLabelValue(t *testing.T) {
	for in, want := range map[string]string{
		"acme/widgets":          "acme/widgets",
		".github":               "github",
		"org/my repo!":          "org/my-repo-",
		strings.Repeat("a", 70): strings.Repeat("a", 64),
		"---":                   "x",
	} {
		if got := coder.LabelValue(in); got != want {
			t.Errorf("LabelValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiffStatusURLIsAPullRequestOnlyWithOne(t *testing.T) {
	var branchOnly, withPR coder.ChatDiffStatus
	if err := json.Unmarshal([]byte(`{"url":"https://github.com/acme/widgets/tree/agent/fix","changes_requested":false}`), &branchOnly); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"url":"https://github.com/acme/widgets/pull/7","pull_request_state":"open","pr_number":7}`), &withPR); err != nil {
		t.Fatal(err)
	}
	if got := branchOnly.PullRequestURL(); got != "" {
		t.Fatalf("a branch page was taken for a pull request: %q", got)
	}
	if got := withPR.PullRequestURL(); got != "https://github.com/acme/widgets/pull/7" {
		t.Fatalf("PullRequestURL = %q", got)
	}
	var none *coder.ChatDiffStatus
	if none.PullRequestURL() != "" {
		t.Fatal("no diff status has no pull request")
	}
}

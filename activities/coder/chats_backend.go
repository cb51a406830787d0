package coder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Identity says whose Coder account a chat runs as.
type Identity string

// The identities.
const (
	// IdentityAssigner runs each chat as the Coder user of the person who
	// asked for it, with a token minted for them (the default): their
	// permissions, quotas and git identity apply.
	IdentityAssigner Identity = "assigner"
	// IdentityService runs every chat as CODER_TOKEN's user; the status
	// comment says who asked.
	IdentityService Identity = "service"
)

// ChatsConfig configures ChatsBackend.
type ChatsConfig struct {
	// Organization is the Coder organization chats and workspaces belong
	// to (name or id).
	Organization string
	// PublicURL is the deployment's URL as users open it (CODER_URL).
	PublicURL string
	// Identity is whose account chats run as; "" means IdentityAssigner.
	Identity Identity
	// TokenLifetime is the lifetime of minted tokens; 0 means an hour.
	TokenLifetime time.Duration
	// Logger receives warnings (never a token); nil discards.
	Logger *slog.Logger
}

// ChatsBackend implements Backend over Coder Agents' Chats API.
type ChatsBackend struct {
	c       *Client
	cfg     ChatsConfig
	tokens  *tokenCache
	unknown logOnce

	mu    sync.Mutex
	orgID string
}

var _ Backend = (*ChatsBackend)(nil)

// NewChatsBackend returns a Backend over Coder Agents chats.
func NewChatsBackend(c *Client, cfg ChatsConfig) *ChatsBackend {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Identity == "" {
		cfg.Identity = IdentityAssigner
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &ChatsBackend{
		c: c, cfg: cfg,
		tokens:  newTokenCache(c, cfg.TokenLifetime, cfg.Logger),
		unknown: logOnce{logger: cfg.Logger},
	}
}

// Close expires the tokens minted by this backend.
func (b *ChatsBackend) Close() { b.tokens.close() }

// Kind implements Backend.
func (b *ChatsBackend) Kind() Kind { return KindChat }

// QueuesInput implements Backend: the server queues a message sent while
// the agent works (codersdk.CreateChatMessageResponse.Queued).
func (b *ChatsBackend) QueuesInput() bool { return true }

// LookupOwner implements Backend: the Coder user linked to the GitHub
// user, or the token's own user for IdentityService.
func (b *ChatsBackend) LookupOwner(ctx context.Context, githubUserID int64) (string, error) {
	if b.cfg.Identity == IdentityService {
		me, err := b.c.Me(ctx)
		return me.Username, err
	}
	return lookupLinkedUser(ctx, b.c, githubUserID)
}

// token is the token calls about owner's chats use: owner's minted token,
// or "" (the client's own) for IdentityService.
func (b *ChatsBackend) token(ctx context.Context, owner string) (string, error) {
	if b.cfg.Identity == IdentityService {
		return "", nil
	}
	return b.tokens.get(ctx, owner)
}

// refused turns a 401 for a minted token into ErrTokenRefused (retryable:
// the next attempt mints a new token), dropping the token.
func (b *ChatsBackend) refused(owner, tok string, err error) error {
	if tok != "" && IsStatus(err, http.StatusUnauthorized) {
		b.tokens.forget(owner, tok)
		return fmt.Errorf("%w: %w", ErrTokenRefused, err)
	}
	return err
}

// organization resolves ChatsConfig.Organization to its id, once.
func (b *ChatsBackend) organization(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.orgID != "" {
		return b.orgID, nil
	}
	o, err := b.c.OrganizationByName(ctx, b.cfg.Organization)
	if err != nil {
		return "", fmt.Errorf("coder: organization %q: %w", b.cfg.Organization, err)
	}
	b.orgID = o.ID
	return o.ID, nil
}

// CreateOrAdopt implements Backend. It adopts the owner's live chat that
// carries every label of spec; otherwise, for a spec with Params, it makes
// (or finds, by name) the workspace first, then creates the chat pinned to
// it with spec.Prompt as the first message.
func (b *ChatsBackend) CreateOrAdopt(ctx context.Context, spec CreateSpec) (Ref, bool, error) {
	if spec.Owner == "" || strings.TrimSpace(spec.Prompt) == "" || len(spec.Labels) == 0 {
		return Ref{}, false, fmt.Errorf("coder: create chat: %w", ErrBadSpec)
	}
	tok, err := b.token(ctx, spec.Owner)
	if err != nil {
		return Ref{}, false, err
	}
	chats, err := b.c.ListChats(ctx, tok, spec.Labels)
	if err != nil {
		return Ref{}, false, b.refused(spec.Owner, tok, err)
	}
	for _, ch := range chats {
		if !ch.Archived && hasLabels(ch.Labels, spec.Labels) {
			return b.ref(ch, spec), true, nil
		}
	}
	orgID, err := b.organization(ctx)
	if err != nil {
		return Ref{}, false, err
	}
	req := CreateChatRequest{OrganizationID: orgID, Content: []ChatInputPart{TextPart(spec.Prompt)}, Labels: spec.Labels, ClientType: "api"}
	if spec.Params != nil {
		if req.WorkspaceID, err = b.workspace(ctx, tok, spec); err != nil {
			return Ref{}, false, b.refused(spec.Owner, tok, err)
		}
	}
	ch, err := b.c.CreateChat(ctx, tok, req)
	if err != nil {
		return Ref{}, false, b.refused(spec.Owner, tok, err)
	}
	return b.ref(ch, spec), false, nil
}

// workspace makes the owner's workspace named spec.Name from the template
// with spec.Params, or returns the one already made (a retried create).
func (b *ChatsBackend) workspace(ctx context.Context, tok string, spec CreateSpec) (string, error) {
	if spec.TemplateName == "" {
		return "", fmt.Errorf("coder: create workspace: %w", ErrNoTemplate)
	}
	if spec.Name == "" {
		return "", fmt.Errorf("coder: create workspace: %w", ErrBadSpec)
	}
	tmpl, err := templateByName(ctx, b.c, b.cfg.Organization, spec.TemplateName)
	if err != nil {
		return "", err
	}
	name := workspaceName(spec)
	w, err := b.c.CreateWorkspace(ctx, tok, spec.Owner, CreateWorkspaceRequest{TemplateID: tmpl.ID, Name: name, RichParameterValues: spec.Params})
	if IsStatus(err, http.StatusConflict) {
		w, err = b.c.WorkspaceByName(ctx, tok, spec.Owner, name)
	}
	if err != nil {
		return "", err
	}
	return w.ID, nil
}

// workspaceName is the name of a chat's workspace: the run's name made
// unique to what it is for, so an existing workspace of that name (found
// after a 409) is this run's own.
func workspaceName(spec CreateSpec) string {
	if spec.Identity == "" {
		return spec.Name
	}
	return DistinctName(spec.Name, spec.Identity)
}

// hasLabels reports whether have carries every label of want.
func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func (b *ChatsBackend) ref(ch Chat, spec CreateSpec) Ref {
	r := Ref{
		Kind:   KindChat,
		ID:     ch.ID,
		Name:   workspaceName(spec),
		Owner:  spec.Owner,
		Shared: b.cfg.Identity == IdentityService,
		// The chat's page: {CODER_URL}/agents/{id}, as
		// coder/create-agent-chat-action links it (src/action.ts).
		URL: b.cfg.PublicURL + "/agents/" + url.PathEscape(ch.ID),
	}
	if ch.WorkspaceID != nil {
		r.WorkspaceID = *ch.WorkspaceID
		r.OwnsWorkspace = spec.Params != nil
	}
	return r
}

// Check implements Backend. An idle chat (waiting) is ready; queued,
// running or waiting on a tool is busy; error is errored with its message;
// an archived or missing chat is gone. A workspace made for the chat that
// is still building makes it starting, and a failed build errored.
func (b *ChatsBackend) Check(ctx context.Context, ref Ref) (Readiness, error) {
	tok, err := b.token(ctx, ref.Owner)
	if err != nil {
		return Readiness{}, err
	}
	ch, err := b.c.GetChat(ctx, tok, ref.ID)
	if IsStatus(err, http.StatusNotFound) {
		return Readiness{Phase: PhaseGone}, nil
	}
	if err != nil {
		return Readiness{}, b.refused(ref.Owner, tok, err)
	}
	r := Readiness{Phase: b.phase(ch.Status), Status: string(ch.Status), PullRequest: ch.DiffStatus.PullRequestURL()}
	if ch.Archived {
		r.Phase = PhaseGone
		return r, nil
	}
	if r.Phase == PhaseErrored && ch.LastError != nil {
		r.Error = ch.LastError.Message
	}
	if !ref.OwnsWorkspace || ref.WorkspaceID == "" || r.Phase == PhaseErrored {
		return r, nil
	}
	w, err := b.c.GetWorkspace(ctx, tok, ref.WorkspaceID)
	switch {
	case IsStatus(err, http.StatusNotFound), IsStatus(err, http.StatusGone):
		r.Phase, r.Error = PhaseErrored, "the chat's workspace was deleted"
	case err != nil:
		return Readiness{}, b.refused(ref.Owner, tok, err)
	default:
		r.State = w.LatestBuild.Status
		switch w.LatestBuild.Status {
		case "pending", "starting":
			r.Phase = PhaseStarting
		case "failed", "canceling", "canceled":
			r.Phase, r.Error = PhaseErrored, "the chat's workspace build "+w.LatestBuild.Status
		case "deleting", "deleted":
			r.Phase, r.Error = PhaseErrored, "the chat's workspace was deleted"
		}
	}
	return r, nil
}

// phase maps a chat status to a Phase. A status this code does not know is
// treated like running (never interrupted) and logged once.
func (b *ChatsBackend) phase(s ChatStatus) Phase {
	switch s {
	case ChatWaiting, ChatCompleted, ChatPaused:
		return PhaseReady
	case ChatPending, ChatRunning, ChatRequiresAction, ChatInterrupting:
		return PhaseBusy
	case ChatError:
		return PhaseErrored
	}
	b.unknown.warn(string(s), "unknown Coder chat status; treating it as running", "status", string(s))
	return PhaseBusy
}

// Resume implements Backend: a chat needs no resuming; the next message
// starts the agent again.
func (b *ChatsBackend) Resume(context.Context, Ref) error { return nil }

// Send implements Backend. The server queues a message sent while the agent
// works, so only 409 and 502 mean "not now".
func (b *ChatsBackend) Send(ctx context.Context, ref Ref, input string) error {
	tok, err := b.token(ctx, ref.Owner)
	if err != nil {
		return err
	}
	_, err = b.c.SendChatMessage(ctx, tok, ref.ID, input)
	if IsStatus(err, http.StatusConflict) || IsStatus(err, http.StatusBadGateway) {
		return fmt.Errorf("%w: %w", ErrNotReady, err)
	}
	return b.refused(ref.Owner, tok, err)
}

// Delete implements Backend: interrupt a chat that is working, archive it,
// and delete the workspace made for it. Each step treats "already done" as
// done, so a retry after a partial run is safe.
func (b *ChatsBackend) Delete(ctx context.Context, ref Ref) error {
	tok, err := b.token(ctx, ref.Owner)
	if err != nil {
		return err
	}
	ch, err := b.c.GetChat(ctx, tok, ref.ID)
	switch {
	case IsStatus(err, http.StatusNotFound):
	case err != nil:
		return b.refused(ref.Owner, tok, err)
	default:
		if b.phase(ch.Status) == PhaseBusy && ch.Status != ChatInterrupting {
			// A 4xx here means there is nothing left to interrupt.
			if err := b.c.InterruptChat(ctx, tok, ref.ID); err != nil && !isClientError(err) {
				return b.refused(ref.Owner, tok, err)
			}
		}
		if !ch.Archived {
			if err := b.c.ArchiveChat(ctx, tok, ref.ID); err != nil && !IsStatus(err, http.StatusNotFound) {
				return b.refused(ref.Owner, tok, err)
			}
		}
	}
	if !ref.OwnsWorkspace || ref.WorkspaceID == "" {
		return nil
	}
	w, err := b.c.GetWorkspace(ctx, tok, ref.WorkspaceID)
	switch {
	case IsStatus(err, http.StatusNotFound), IsStatus(err, http.StatusGone):
		return nil
	case err != nil:
		return b.refused(ref.Owner, tok, err)
	case w.LatestBuild.Transition == "delete" && w.LatestBuild.Status != "failed":
		return nil
	}
	err = b.c.BuildWorkspace(ctx, tok, ref.WorkspaceID, "delete")
	if IsStatus(err, http.StatusNotFound) || IsStatus(err, http.StatusGone) {
		return nil
	}
	return b.refused(ref.Owner, tok, err)
}

// Cost implements Backend. Servers without the cost endpoint answer 404
// (it came after the Chats API itself).
func (b *ChatsBackend) Cost(ctx context.Context, ref Ref) (Cost, error) {
	tok, err := b.token(ctx, ref.Owner)
	if err != nil {
		return Cost{}, err
	}
	c, err := b.c.ChatCost(ctx, tok, ref.ID)
	var e *Error
	if errors.As(err, &e) && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusMethodNotAllowed) {
		return Cost{}, nil
	}
	if err != nil {
		return Cost{}, b.refused(ref.Owner, tok, err)
	}
	return Cost{Known: true, Micros: c.TotalCostMicros, Requests: c.RequestCount, Unpriced: c.UnpricedRequestCount}, nil
}

// isClientError reports a 4xx answer.
func isClientError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode >= 400 && e.StatusCode < 500
}

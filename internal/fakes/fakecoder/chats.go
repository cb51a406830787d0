package fakecoder

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits on chat labels (the same rule for keys and values).
const (
	maxLabels   = 50
	maxLabelLen = 64
)

var labelRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._/-]*$`)

// chatInput is a ChatInputPart of a request.
type chatInput struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// textOf joins the text parts of a message; ok is false when there is none.
func textOf(parts []chatInput) (string, bool) {
	var texts []string
	for _, p := range parts {
		if p.Type == "text" && strings.TrimSpace(p.Text) != "" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n"), len(texts) > 0
}

// validLabels checks labels as Coder does.
func validLabels(labels map[string]string) []Validation {
	var bad []Validation
	if len(labels) > maxLabels {
		bad = append(bad, Validation{Field: "labels", Detail: fmt.Sprintf("at most %d labels", maxLabels)})
	}
	for k, v := range labels {
		if len(k) > maxLabelLen || !labelRe.MatchString(k) || len(v) > maxLabelLen || !labelRe.MatchString(v) {
			bad = append(bad, Validation{Field: "labels", Detail: "label " + strconv.Quote(k) + " has an invalid key or value"})
		}
	}
	return bad
}

// handleCreateChat serves POST {chats}: the chat belongs to the caller.
func (s *Server) handleCreateChat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		OrganizationID string            `json:"organization_id"`
		Content        []chatInput       `json:"content"`
		WorkspaceID    *string           `json:"workspace_id"`
		Labels         map[string]string `json:"labels"`
		ClientType     string            `json:"client_type"`
	}
	raw, err := readAll(r)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Request body must be valid JSON.", Detail: err.Error()})
		return
	}
	text, ok := textOf(body.Content)
	if !ok {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Content is required.", Validations: []Validation{{Field: "content", Detail: "at least one text part is required"}}})
		return
	}
	if bad := validLabels(body.Labels); bad != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid chat labels.", Validations: bad})
		return
	}
	caller := callerOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.orgExists(body.OrganizationID) {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid organization.", Validations: []Validation{{Field: "organization_id", Detail: "organization not found or you are not a member"}}})
		return
	}
	ch := &chatRec{Chat: Chat{
		ID: newUUID(), OrganizationID: body.OrganizationID, OwnerID: caller.ID, Title: title(text),
		Labels: body.Labels, ClientType: body.ClientType, MCPServerIDs: []string{}, Children: []any{},
		CreatedAt: time.Now().UTC(),
	}, ownerName: caller.Username}
	if ch.Labels == nil {
		ch.Labels = map[string]string{}
	}
	if ch.ClientType == "" {
		ch.ClientType = "api"
	}
	if body.WorkspaceID != nil {
		ws := s.workspaceByID(*body.WorkspaceID)
		if ws == nil || ws.OwnerID != caller.ID {
			s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Workspace not found.", Validations: []Validation{{Field: "workspace_id", Detail: "workspace not found"}}})
			return
		}
		id := ws.ID
		ch.WorkspaceID = &id
	}
	ch.diffLeft = s.opts.DiffPolls
	s.setChatStatus(ch, StatusPending)
	s.startRun(ch, polls(s.opts.StartupPolls))
	s.chats = append(s.chats, ch)
	s.created = append(s.created, CreateRecord{Kind: KindChat, ID: ch.ID, Owner: caller.Username, Input: text, Labels: copyLabels(ch.Labels), WorkspaceID: deref(ch.WorkspaceID), Raw: raw, At: time.Now()})
	s.writeJSON(w, http.StatusCreated, ch.snapshot())
}

// handleListChats serves GET {chats}?label=k:v...: the caller's chats
// carrying every label, archived ones only for q=archived:true.
func (s *Server) handleListChats(w http.ResponseWriter, r *http.Request) {
	want := map[string]string{}
	for _, l := range r.URL.Query()["label"] {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Invalid label filter.", Validations: []Validation{{Field: "label", Detail: "must be key:value"}}})
			return
		}
		want[k] = v
	}
	archived := strings.Contains(r.URL.Query().Get("q"), "archived:true")
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	caller := callerOf(r)
	s.mu.Lock()
	out := []Chat{}
	for _, ch := range s.chats {
		if ch.OwnerID != caller.ID || ch.Archived != archived || !carries(ch.Labels, want) {
			continue
		}
		out = append(out, ch.snapshot())
		if limit > 0 && len(out) == limit {
			break
		}
	}
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, out)
}

func carries(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// onChat runs f with s.mu held on the chat of a request the caller may
// see, answering 404 when there is none.
func (s *Server) onChat(w http.ResponseWriter, r *http.Request, f func(ch *chatRec)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatFor(r)
	if ch == nil {
		s.notFound(w)
		return
	}
	f(ch)
}

// chatFor finds the chat of a request the caller may see (its owner, or
// the admin). Call with s.mu held.
func (s *Server) chatFor(r *http.Request) *chatRec {
	caller := callerOf(r)
	for _, ch := range s.chats {
		if ch.ID == r.PathValue("chat") && (ch.OwnerID == caller.ID || s.isAdmin(caller)) {
			return ch
		}
	}
	return nil
}

// handleGetChat serves GET {chats}/{chat}; each GET answers the current
// state and then advances the simulated run.
func (s *Server) handleGetChat(w http.ResponseWriter, r *http.Request) {
	s.onChat(w, r, func(ch *chatRec) {
		snap := ch.snapshot()
		s.afterChatPoll(ch)
		s.writeJSON(w, http.StatusOK, snap)
	})
}

// handleUpdateChat serves PATCH {chats}/{chat}: {"archived"} and {"title"}.
func (s *Server) handleUpdateChat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Archived *bool   `json:"archived"`
		Title    *string `json:"title"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	s.onChat(w, r, func(ch *chatRec) {
		if body.Archived != nil {
			if *body.Archived && !ch.Archived {
				s.ended(ch.ID)
			}
			ch.Archived = *body.Archived
		}
		if body.Title != nil {
			ch.Title = *body.Title
		}
		ch.UpdatedAt = time.Now().UTC()
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleChatMessage serves POST {chats}/{chat}/messages: a message to an
// idle chat starts a run; one to a working chat is queued behind it.
func (s *Server) handleChatMessage(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content []chatInput `json:"content"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	text, ok := textOf(body.Content)
	if !ok {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Content is required."})
		return
	}
	s.onChat(w, r, func(ch *chatRec) {
		if ch.Archived {
			s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Cannot send a message to an archived chat."})
			return
		}
		now := time.Now().UTC()
		queued := ch.busy()
		s.sent[ch.ID] = append(s.sent[ch.ID], Message{Text: text, Queued: queued, At: now})
		if queued {
			ch.queue = append(ch.queue, text)
			s.writeJSON(w, http.StatusOK, map[string]any{"queued": true, "queued_message": map[string]any{
				"id": len(s.sent[ch.ID]), "chat_id": ch.ID, "created_at": now, "content": []chatInput{{Type: "text", Text: text}},
			}})
			return
		}
		ch.LastError = nil
		s.setChatStatus(ch, StatusRunningChat)
		s.startRun(ch, 0)
		s.writeJSON(w, http.StatusOK, map[string]any{"queued": false, "message": map[string]any{
			"id": len(s.sent[ch.ID]), "chat_id": ch.ID, "role": "user", "created_at": now, "content": []chatInput{{Type: "text", Text: text}},
		}})
	})
}

// handleInterrupt serves POST {chats}/{chat}/interrupt: a working chat
// stops and waits.
func (s *Server) handleInterrupt(w http.ResponseWriter, r *http.Request) {
	s.onChat(w, r, func(ch *chatRec) {
		if ch.busy() {
			ch.interrupts++
			s.setChatStatus(ch, StatusWaiting)
		}
		s.writeJSON(w, http.StatusOK, ch.snapshot())
	})
}

// handleChatCost serves GET {chats}/{chat}/cost: 12,500 micro-dollars and
// three model requests per run.
func (s *Server) handleChatCost(w http.ResponseWriter, r *http.Request) {
	s.onChat(w, r, func(ch *chatRec) {
		s.writeJSON(w, http.StatusOK, map[string]any{
			"chat_id": ch.ID, "total_cost_micros": int64(ch.runs) * 12500,
			"request_count": ch.runs * 3, "unpriced_request_count": 0,
		})
	})
}

func (s *Server) orgExists(id string) bool {
	for _, v := range s.orgs {
		if v == id {
			return true
		}
	}
	return false
}

// title is the chat title Coder derives from the first message.
func title(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if len(line) > 60 {
		line = line[:60]
	}
	return line
}

func copyLabels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

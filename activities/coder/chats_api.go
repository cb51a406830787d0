package coder

import (
	"context"
	"net/http"
	"net/url"
)

// Chats endpoints, read from coder/coder codersdk/chats.go (Client methods
// on /api/v2/chats; v2.36 and earlier serve them under
// /api/experimental/chats behind the "agents" experiment,
// docs/ai-coder/agents/chats-api.md):
//
//   - POST /chats, codersdk.CreateChatRequest → 201 Chat. The owner is
//     always the token's user; there is no owner field.
//   - GET /chats?label=k:v&label=k:v → 200 []Chat (labels ANDed; archived
//     chats are left out unless asked for).
//   - GET /chats/{id} → 200 Chat.
//   - PATCH /chats/{id}, codersdk.UpdateChatRequest {"archived": true} → 204.
//   - POST /chats/{id}/messages, codersdk.CreateChatMessageRequest
//     {"content": [{"type": "text", "text"}]} → 200
//     codersdk.CreateChatMessageResponse {"queued": bool, ...}; a message
//     sent while the agent works is queued by the server.
//   - POST /chats/{id}/interrupt → 200 Chat ("cancels an in-flight chat run
//     and leaves it waiting").
//   - GET /chats/{id}/cost → 200 codersdk.ChatCost (newer releases only).

// chatPath is the suffix of a chat's own route.
func chatPath(id string) string { return "/" + url.PathEscape(id) }

// CreateChat creates a chat owned by token's user.
func (c *Client) CreateChat(ctx context.Context, token string, req CreateChatRequest) (Chat, error) {
	var ch Chat
	err := c.chats.call(ctx, c, call{method: http.MethodPost, in: req, out: &ch, token: token}, true)
	return ch, err
}

// ListChats returns token's user's chats that carry every label given.
func (c *Client) ListChats(ctx context.Context, token string, labels map[string]string) ([]Chat, error) {
	q := url.Values{}
	for _, k := range sortedKeys(labels) {
		q.Add("label", k+":"+labels[k])
	}
	var out []Chat
	err := c.chats.call(ctx, c, call{method: http.MethodGet, query: q, out: &out, token: token}, true)
	return out, err
}

// GetChat returns a chat.
func (c *Client) GetChat(ctx context.Context, token, id string) (Chat, error) {
	var ch Chat
	err := c.chats.call(ctx, c, call{method: http.MethodGet, path: chatPath(id), out: &ch, token: token}, false)
	return ch, err
}

// ArchiveChat archives a chat, the Chats API's "delete".
func (c *Client) ArchiveChat(ctx context.Context, token, id string) error {
	archived := true
	body := struct {
		Archived *bool `json:"archived"`
	}{&archived}
	return c.chats.call(ctx, c, call{method: http.MethodPatch, path: chatPath(id), in: body, token: token}, false)
}

// SendChatMessage adds a text message to a chat and reports whether the
// server queued it behind the agent's current work.
func (c *Client) SendChatMessage(ctx context.Context, token, id, text string) (queued bool, err error) {
	in := struct {
		Content []ChatInputPart `json:"content"`
	}{[]ChatInputPart{TextPart(text)}}
	var out struct {
		Queued bool `json:"queued"`
	}
	err = c.chats.call(ctx, c, call{method: http.MethodPost, path: chatPath(id) + "/messages", in: in, out: &out, token: token}, false)
	return out.Queued, err
}

// InterruptChat stops the agent's current run.
func (c *Client) InterruptChat(ctx context.Context, token, id string) error {
	return c.chats.call(ctx, c, call{method: http.MethodPost, path: chatPath(id) + "/interrupt", token: token}, false)
}

// ChatCost returns what a chat's whole tree cost so far.
func (c *Client) ChatCost(ctx context.Context, token, id string) (ChatCost, error) {
	var cost ChatCost
	err := c.chats.call(ctx, c, call{method: http.MethodGet, path: chatPath(id) + "/cost", out: &cost, token: token}, false)
	return cost, err
}

// ProbeChats reports whether the deployment serves the Chats API
// (listing at most one chat: codersdk.Pagination's "limit").
func (c *Client) ProbeChats(ctx context.Context) (Availability, error) {
	return c.chats.probe(ctx, c, url.Values{"limit": {"1"}})
}

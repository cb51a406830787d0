package fakecoder

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Chat statuses as Coder names them (codersdk.ChatStatus).
const (
	StatusWaiting        = "waiting"
	StatusRunningChat    = "running"
	StatusRequiresAction = "requires_action"
)

// Chat is a chat as the chats endpoints return it (codersdk.Chat).
type Chat struct {
	ID             string            `json:"id"`
	OrganizationID string            `json:"organization_id"`
	OwnerID        string            `json:"owner_id"`
	WorkspaceID    *string           `json:"workspace_id,omitempty"`
	Title          string            `json:"title"`
	Status         string            `json:"status"`
	LastError      *ChatError        `json:"last_error,omitempty"`
	DiffStatus     *DiffStatus       `json:"diff_status,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	Archived       bool              `json:"archived"`
	PinOrder       int               `json:"pin_order"`
	MCPServerIDs   []string          `json:"mcp_server_ids"`
	Labels         map[string]string `json:"labels"`
	HasUnread      bool              `json:"has_unread"`
	ClientType     string            `json:"client_type"`
	Children       []any             `json:"children"`
}

// ChatError is a chat's last_error (codersdk.ChatError).
type ChatError struct {
	Message   string `json:"message"`
	Detail    string `json:"detail,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Retryable bool   `json:"retryable"`
}

// DiffStatus is a chat's diff_status (codersdk.ChatDiffStatus).
type DiffStatus struct {
	ChatID           string  `json:"chat_id"`
	URL              *string `json:"url,omitempty"`
	PullRequestState *string `json:"pull_request_state,omitempty"`
	PullRequestTitle string  `json:"pull_request_title"`
	PullRequestDraft bool    `json:"pull_request_draft"`
	ChangesRequested bool    `json:"changes_requested"`
	Additions        int     `json:"additions"`
	Deletions        int     `json:"deletions"`
	ChangedFiles     int     `json:"changed_files"`
	HeadBranch       *string `json:"head_branch,omitempty"`
	PRNumber         *int    `json:"pr_number,omitempty"`
}

// chatRec is a chat plus its simulated runs.
type chatRec struct {
	Chat
	ownerName string
	// startupLeft and workLeft count the GETs left answering pending and
	// running; diffLeft those before a pull request appears.
	startupLeft, workLeft, diffLeft int
	// queue holds messages sent while a run was going.
	queue []string
	held  bool
	// runs counts runs started (the cost grows with them); interrupts
	// counts interrupted runs.
	runs, interrupts int
}

func (ch *chatRec) snapshot() Chat {
	c := ch.Chat
	c.Labels = copyLabels(ch.Labels)
	if ch.LastError != nil {
		e := *ch.LastError
		c.LastError = &e
	}
	if ch.DiffStatus != nil {
		d := *ch.DiffStatus
		c.DiffStatus = &d
	}
	return c
}

// busy reports a chat whose run is going (a message would be queued).
func (ch *chatRec) busy() bool {
	return ch.Status == StatusPending || ch.Status == StatusRunningChat || ch.Status == StatusRequiresAction
}

// The helpers below run with s.mu held.

func (s *Server) setChatStatus(ch *chatRec, status string) {
	ch.Status = status
	ch.UpdatedAt = time.Now().UTC()
}

// startRun starts a run that answers pending for startup GETs, then
// running for WorkPolls GETs.
func (s *Server) startRun(ch *chatRec, startup int) {
	ch.runs++
	ch.startupLeft = startup
	ch.workLeft = polls(s.opts.WorkPolls)
	if ch.startupLeft == 0 {
		s.setChatStatus(ch, StatusRunningChat)
		if ch.workLeft == 0 {
			s.finishRun(ch)
		}
	}
}

// finishRun ends a run: the next queued message starts another, or the
// chat waits.
func (s *Server) finishRun(ch *chatRec) {
	if len(ch.queue) > 0 {
		ch.queue = ch.queue[1:]
		s.setChatStatus(ch, StatusRunningChat)
		s.startRun(ch, 0)
		return
	}
	s.setChatStatus(ch, StatusWaiting)
}

// afterChatPoll advances a chat after a GET of it was answered.
func (s *Server) afterChatPoll(ch *chatRec) {
	if ch.held || ch.Archived {
		return
	}
	if ch.diffLeft > 0 {
		ch.diffLeft--
		if ch.diffLeft == 0 {
			s.setPullRequest(ch, 1)
		}
	}
	switch ch.Status {
	case StatusPending:
		if ch.startupLeft > 0 {
			ch.startupLeft--
		}
		if ch.startupLeft == 0 {
			s.setChatStatus(ch, StatusRunningChat)
		}
	case StatusRunningChat:
		if ch.workLeft > 0 {
			ch.workLeft--
		}
		if ch.workLeft == 0 {
			s.finishRun(ch)
		}
	}
}

// setPullRequest reports a pull request on the chat's repository.
func (s *Server) setPullRequest(ch *chatRec, number int) {
	repo := ch.Labels["code-factory/repo"]
	if repo == "" {
		repo = "acme/widgets"
	}
	u := strings.TrimRight(s.opts.PullRequestBase, "/") + "/" + repo + "/pull/" + strconv.Itoa(number)
	state, branch, n := "open", "agent/"+ch.ID[:8], number
	ch.DiffStatus = &DiffStatus{ChatID: ch.ID, URL: &u, PullRequestState: &state, HeadBranch: &branch, PRNumber: &n, ChangedFiles: 1, Additions: 10}
}

func (s *Server) chatByID(id string) (*chatRec, error) {
	for _, ch := range s.chats {
		if ch.ID == id {
			return ch, nil
		}
	}
	return nil, fmt.Errorf("fakecoder: no chat %q", id)
}

// SetChatStatus sets a chat's status; "error" also sets last_error.
func (s *Server) SetChatStatus(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return err
	}
	s.setChatStatus(ch, status)
	if status == StatusRunningChat {
		ch.workLeft = polls(s.opts.WorkPolls)
	}
	return nil
}

// SetChatError puts a chat in error with a last_error message.
func (s *Server) SetChatError(id, message string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return err
	}
	ch.queue = nil
	s.setChatStatus(ch, StatusError)
	ch.LastError = &ChatError{Message: message, Kind: "generic"}
	return nil
}

// SetChatPullRequest reports the pull request numbered n for a chat.
func (s *Server) SetChatPullRequest(id string, n int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return err
	}
	s.setPullRequest(ch, n)
	return nil
}

// Chat returns a chat as the API shows it, without advancing it.
func (s *Server) Chat(id string) (Chat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return Chat{}, false
	}
	return ch.snapshot(), true
}

// Interrupts returns how many runs of a chat were interrupted.
func (s *Server) Interrupts(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return 0
	}
	return ch.interrupts
}

func readAll(r *http.Request) ([]byte, error) { return io.ReadAll(r.Body) }

// SetWorking makes a task's agent work (active/working) or a chat run.
func (s *Server) SetWorking(id string) error {
	if _, ok := s.Chat(id); ok {
		return s.SetChatStatus(id, StatusRunningChat)
	}
	working := StateWorking
	return s.SetTask(id, StatusActive, &working)
}

// SetIdle makes a task's agent idle (active/idle) or a chat wait.
func (s *Server) SetIdle(id string) error {
	if _, ok := s.Chat(id); ok {
		return s.SetChatStatus(id, StatusWaiting)
	}
	idle := StateIdle
	return s.SetTask(id, StatusActive, &idle)
}

// SetFailed puts a task in status error, or a chat in error with message.
func (s *Server) SetFailed(id, message string) error {
	if _, ok := s.Chat(id); ok {
		return s.SetChatError(id, message)
	}
	return s.SetTask(id, StatusError, nil)
}

// Polls counts the GETs of one task or chat.
func (s *Server) Polls(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/"+id) {
			n++
		}
	}
	return n
}

// WorkFor makes a task's agent (or a chat) work for the next n GETs of it,
// then turn idle (a chat then takes its queued messages).
func (s *Server) WorkFor(id string, n int) error {
	if err := s.SetWorking(id); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, err := s.chatByID(id); err == nil {
		ch.workLeft = n
		return nil
	}
	t, err := s.lookup(id)
	if err != nil {
		return err
	}
	t.workLeft = n
	return nil
}

// ArchiveChat archives a chat as a person in Coder's UI might.
func (s *Server) ArchiveChat(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.chatByID(id)
	if err != nil {
		return err
	}
	ch.Archived = true
	return nil
}

package workflows

import (
	"time"

	"github.com/code-factory/code-factory/activities/coder"
)

// IssueCarry is the state an issue workflow carries across continue-as-new.
type IssueCarry struct {
	// Task is the Coder task or chat, once created.
	Task *coder.Ref `json:"task,omitempty"`
	// StartedAt is when the run was created (workflow time; zero in
	// histories from before chats), for "ran for" at the end.
	StartedAt time.Time `json:"started_at,omitempty"`
	// PullRequest is the agent's pull request once Coder reports it.
	PullRequest string `json:"pull_request,omitempty"`
	// AgentError is the agent's last error, shown until it clears.
	AgentError string `json:"agent_error,omitempty"`
	// Requester assigned the agent; the task runs as their Coder user.
	Requester Actor `json:"requester"`
	// StatusCommentID is the status comment's id once written.
	StatusCommentID int64 `json:"status_comment_id,omitempty"`
	// StatusText is the status comment's current visible text.
	StatusText string `json:"status_text,omitempty"`
	// Permissions caches each comment author's repository permission;
	// PermissionsAt is when each was checked (workflow time).
	Permissions   map[string]string    `json:"permissions,omitempty"`
	PermissionsAt map[string]time.Time `json:"permissions_at,omitempty"`
	// Notes are the latest lines about inputs that could not be forwarded.
	Notes []string `json:"notes,omitempty"`
	// Outsiders are the people without write access whose comments were
	// skipped, in the order first skipped; the status comment notes them.
	Outsiders []string `json:"outsiders,omitempty"`
	// Pending are events received but not yet handled, in arrival order.
	Pending []IssueEvent `json:"pending,omitempty"`
	// SeenDeliveries are recent delivery ids, oldest first (bounded).
	SeenDeliveries []string `json:"seen_deliveries,omitempty"`
	// Delivered counts the inputs delivered to the run; LastError is the
	// last delivery failure (for `code-factory status`).
	Delivered int    `json:"delivered,omitempty"`
	LastError string `json:"last_error,omitempty"`
	// AwaitHandover starts the workflow of a renamed repository's issue
	// ahead of the handover: it buffers events until the run under the old
	// name sends its state on IssueHandoverSignal.
	AwaitHandover bool `json:"await_handover,omitempty"`
	// Phrase is the trigger phrase the run answers commands to ("@agent
	// stop"); "" in runs from before changeTriggers.
	Phrase string `json:"phrase,omitempty"`
	// TriggerLabel is the label that started the task: removing it stops
	// the task.
	TriggerLabel string `json:"trigger_label,omitempty"`
	// PushNotes is set on a pull request's task whose repository wants
	// each push told to it ([review] on_push).
	PushNotes bool `json:"push_notes,omitempty"`
	// Slot is "queued" or "held" while the run waits for or holds one of
	// the repository's task slots ([limits]); "" otherwise.
	Slot string `json:"slot,omitempty"`
}

// IssueHandoverSignal carries the state of an issue's run (an IssueCarry)
// from the workflow of a repository's old name to the one of its new name.
const IssueHandoverSignal = "handover"

// handoverWait is how long a workflow started ahead of a handover waits for
// it before it goes on as a fresh run.
const handoverWait = time.Hour

// maxSeenDeliveries bounds the redelivery filter.
const maxSeenDeliveries = 500

// deliverySet is a bounded set of recent delivery ids. The slice keeps the
// order (the only thing ever iterated); the map answers membership.
type deliverySet struct {
	order []string
	index map[string]struct{}
}

func newDeliverySet(ids []string) *deliverySet {
	s := &deliverySet{index: make(map[string]struct{}, len(ids))}
	for _, id := range ids {
		s.add(id)
	}
	return s
}

// add records id and reports whether it was new.
func (s *deliverySet) add(id string) bool {
	if id == "" {
		return true
	}
	if _, ok := s.index[id]; ok {
		return false
	}
	s.order = append(s.order, id)
	s.index[id] = struct{}{}
	if len(s.order) > maxSeenDeliveries {
		delete(s.index, s.order[0])
		s.order = s.order[1:]
	}
	return true
}

// ids returns the ids oldest first, for continue-as-new.
func (s *deliverySet) ids() []string { return append([]string(nil), s.order...) }

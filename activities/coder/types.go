package coder

import (
	"encoding/json"
	"sort"
	"time"
)

// User is a Coder user (codersdk.User, the fields code-factory reads).
type User struct {
	ID              string `json:"id"`
	Username        string `json:"username"`
	Email           string `json:"email"`
	GitHubComUserID int64  `json:"github_com_user_id"`
}

// Template is a Coder template (the fields code-factory reads).
type Template struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	OrganizationID  string `json:"organization_id"`
	ActiveVersionID string `json:"active_version_id"`
}

// Preset is a template-version preset. Coder sends presets with PascalCase
// keys (the API docs wrongly show lowercase).
type Preset struct {
	ID      string `json:"ID"`
	Name    string `json:"Name"`
	Default bool   `json:"Default"`
}

// TaskStatus is a task's lifecycle status.
type TaskStatus string

// Task statuses.
const (
	TaskStatusPending      TaskStatus = "pending"
	TaskStatusInitializing TaskStatus = "initializing"
	TaskStatusActive       TaskStatus = "active"
	TaskStatusPaused       TaskStatus = "paused"
	TaskStatusUnknown      TaskStatus = "unknown"
	TaskStatusError        TaskStatus = "error"
)

// Task states reported by the agent in current_state.state.
const (
	StateWorking  = "working"
	StateIdle     = "idle"
	StateComplete = "complete"
	StateFailed   = "failed"
	StateFailure  = "failure"
)

// TaskState is a task's current_state: what the agent last reported.
type TaskState struct {
	Timestamp time.Time `json:"timestamp"`
	State     string    `json:"state"`
	Message   string    `json:"message"`
	URI       string    `json:"uri"`
}

// Task is a Coder task.
type Task struct {
	ID                string     `json:"id"`
	OrganizationID    string     `json:"organization_id"`
	OwnerID           string     `json:"owner_id"`
	OwnerName         string     `json:"owner_name"`
	Name              string     `json:"name"`
	DisplayName       string     `json:"display_name"`
	TemplateID        string     `json:"template_id"`
	TemplateVersionID string     `json:"template_version_id"`
	WorkspaceID       string     `json:"workspace_id"`
	WorkspaceStatus   string     `json:"workspace_status"`
	Status            TaskStatus `json:"status"`
	// CurrentState is nil until the agent reports a state.
	CurrentState  *TaskState `json:"current_state"`
	InitialPrompt string     `json:"initial_prompt"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// CreateTaskRequest is the body of POST /api/v2/tasks/{owner}.
type CreateTaskRequest struct {
	Name              string `json:"name"`
	TemplateVersionID string `json:"template_version_id"`
	// TemplateVersionPresetID is left out of the body when empty.
	TemplateVersionPresetID string `json:"template_version_preset_id,omitempty"`
	Input                   string `json:"input"`
}

// Organization is a Coder organization (codersdk.Organization's
// MinimalOrganization part).
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Param is a rich parameter value (codersdk.WorkspaceBuildParameter).
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CreateWorkspaceRequest is the body of POST /api/v2/users/{user}/workspaces
// (codersdk.CreateWorkspaceRequest, the fields code-factory sets).
type CreateWorkspaceRequest struct {
	TemplateID          string  `json:"template_id"`
	Name                string  `json:"name"`
	RichParameterValues []Param `json:"rich_parameter_values,omitempty"`
}

// Workspace is a Coder workspace (codersdk.Workspace, the fields read).
type Workspace struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	OwnerName   string         `json:"owner_name"`
	TemplateID  string         `json:"template_id"`
	LatestBuild WorkspaceBuild `json:"latest_build"`
}

// WorkspaceBuild is a workspace's build (codersdk.WorkspaceBuild).
type WorkspaceBuild struct {
	ID         string `json:"id"`
	Transition string `json:"transition"`
	// Status is codersdk.WorkspaceStatus: pending, starting, running,
	// stopping, stopped, failed, canceling, canceled, deleting, deleted
	// (codersdk/workspacebuilds.go).
	Status string `json:"status"`
}

// ChatStatus is a chat's status (codersdk.ChatStatus). Current releases
// send waiting, pending, running, error, requires_action and interrupting;
// older ones also paused and completed (codersdk/chats.go;
// docs/ai-coder/agents/chats-api.md "Chat statuses").
type ChatStatus string

// The chat statuses.
const (
	ChatWaiting        ChatStatus = "waiting"
	ChatPending        ChatStatus = "pending"
	ChatRunning        ChatStatus = "running"
	ChatError          ChatStatus = "error"
	ChatRequiresAction ChatStatus = "requires_action"
	ChatInterrupting   ChatStatus = "interrupting"
	ChatPaused         ChatStatus = "paused"
	ChatCompleted      ChatStatus = "completed"
)

// Chat is a Coder Agents chat (codersdk.Chat, the fields code-factory reads).
type Chat struct {
	ID             string            `json:"id"`
	OrganizationID string            `json:"organization_id"`
	OwnerID        string            `json:"owner_id"`
	WorkspaceID    *string           `json:"workspace_id,omitempty"`
	Title          string            `json:"title"`
	Status         ChatStatus        `json:"status"`
	LastError      *ChatLastError    `json:"last_error,omitempty"`
	DiffStatus     *ChatDiffStatus   `json:"diff_status,omitempty"`
	Archived       bool              `json:"archived"`
	Labels         map[string]string `json:"labels"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// ChatLastError is a chat's last_error: an object {"message", "detail",
// "kind", ...} (codersdk.ChatError) in current releases, a plain string in
// early ones (coder/create-agent-chat-action's schema reads it as a string).
type ChatLastError struct {
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

// UnmarshalJSON accepts both shapes of last_error.
func (e *ChatLastError) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*e = ChatLastError{Message: s}
		return nil
	}
	type plain ChatLastError
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*e = ChatLastError(p)
	return nil
}

// ChatDiffStatus is what Coder knows of a chat's branch and pull request
// (codersdk.ChatDiffStatus). URL points at the pull request once one is
// open, else at the branch; PullRequestState and PRNumber are set only
// for a pull request.
type ChatDiffStatus struct {
	URL              *string `json:"url,omitempty"`
	PullRequestState *string `json:"pull_request_state,omitempty"`
	PRNumber         *int    `json:"pr_number,omitempty"`
	HeadBranch       *string `json:"head_branch,omitempty"`
}

// PullRequestURL is the pull request's URL, "" when there is none yet.
func (d *ChatDiffStatus) PullRequestURL() string {
	if d == nil || d.URL == nil || (d.PullRequestState == nil && d.PRNumber == nil) {
		return ""
	}
	return *d.URL
}

// ChatInputPart is one part of a message (codersdk.ChatInputPart).
type ChatInputPart struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
}

// TextPart is a text input part.
func TextPart(text string) ChatInputPart { return ChatInputPart{Type: "text", Text: text} }

// CreateChatRequest is the body of POST /api/v2/chats
// (codersdk.CreateChatRequest, the fields code-factory sets).
type CreateChatRequest struct {
	OrganizationID string            `json:"organization_id"`
	Content        []ChatInputPart   `json:"content"`
	WorkspaceID    string            `json:"workspace_id,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	ClientType     string            `json:"client_type,omitempty"`
}

// ChatCost is what a chat tree cost (codersdk.ChatCost): micro-dollars and
// how many model requests there were, of which some may have had no price.
type ChatCost struct {
	TotalCostMicros      int64 `json:"total_cost_micros"`
	RequestCount         int64 `json:"request_count"`
	UnpricedRequestCount int64 `json:"unpriced_request_count"`
}

// sortedKeys returns m's keys in order, so requests are deterministic.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

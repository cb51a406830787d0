package coder

import "time"

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

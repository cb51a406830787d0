package fakecoder

import "time"

// User is a Coder user as the users endpoint returns it.
type User struct {
	ID              string `json:"id"`
	Username        string `json:"username"`
	Email           string `json:"email"`
	GitHubComUserID int64  `json:"github_com_user_id"`
}

// Template is a Coder template with its active version.
type Template struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	ActiveVersionID  string `json:"active_version_id"`
}

// Preset is a template-version preset. Coder sends presets with PascalCase
// keys, and so does the fake.
type Preset struct {
	ID      string `json:"ID"`
	Name    string `json:"Name"`
	Default bool   `json:"Default"`
}

// TaskState is a task's current_state.
type TaskState struct {
	Timestamp time.Time `json:"timestamp"`
	State     string    `json:"state"`
	Message   string    `json:"message"`
	URI       string    `json:"uri"`
}

// Task is a Coder task as the tasks endpoints return it.
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
	Status            string     `json:"status"`
	CurrentState      *TaskState `json:"current_state"`
	InitialPrompt     string     `json:"initial_prompt"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// CreateTaskBody is the body of POST /api/v2/tasks/{owner}.
type CreateTaskBody struct {
	Name                    string `json:"name"`
	TemplateVersionID       string `json:"template_version_id"`
	TemplateVersionPresetID string `json:"template_version_preset_id,omitempty"`
	Input                   string `json:"input"`
	DisplayName             string `json:"display_name,omitempty"`
}

// Kinds of CreateRecord.
const (
	KindTask = "task"
	KindChat = "chat"
)

// CreateRecord is one task or chat the fake created.
type CreateRecord struct {
	// Kind is KindTask or KindChat.
	Kind string
	// ID is the task's or chat's id.
	ID string
	// Owner is the username the run belongs to (a task's {owner} path
	// segment; a chat's token user).
	Owner string
	// Name is the task name ("" for a chat).
	Name string
	// Input is the task's input, or the text of the chat's first message.
	Input string
	// Labels are a chat's labels.
	Labels map[string]string
	// WorkspaceID is the workspace a chat was pinned to ("" if none).
	WorkspaceID string
	// Body is a task's decoded request body.
	Body CreateTaskBody
	// Raw is the request body exactly as received.
	Raw []byte
	// At is when the fake received the create.
	At time.Time
}

// Message is one input a task or chat accepted.
type Message struct {
	Text string
	// Queued: a chat was working and queued the message behind its run.
	Queued bool
	// At is when the fake received it.
	At time.Time
}

// Request is one HTTP request the fake received.
type Request struct {
	Method string
	// Path is the decoded URL path, without the query.
	Path string
	// Query is the raw query string.
	Query string
	Body  []byte
}

// Validation is one entry of a Coder error's validations.
type Validation struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// errorResponse is Coder's error body (codersdk.Response).
type errorResponse struct {
	Message     string       `json:"message"`
	Detail      string       `json:"detail,omitempty"`
	Validations []Validation `json:"validations,omitempty"`
}

// Task statuses and states as Coder names them.
const (
	StatusPending      = "pending"
	StatusInitializing = "initializing"
	StatusActive       = "active"
	StatusPaused       = "paused"
	StatusUnknown      = "unknown"
	StatusError        = "error"

	StateWorking  = "working"
	StateIdle     = "idle"
	StateComplete = "complete"
	StateFailed   = "failed"
	StateFailure  = "failure"
)

package activities

// Repo names a GitHub repository.
type Repo struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
	// ID is GitHub's repository id (0 in histories from before it was
	// recorded); it labels chats and survives renames.
	ID int64 `json:"id,omitempty"`
}

// FullName is "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// StatusCommentMarker is the hidden first line of the one status comment
// per issue; it is the same marker coder-action writes, so its comments are reused.
const StatusCommentMarker = "<!-- coder-factory:task-status -->"

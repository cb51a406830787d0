package fakegithub

import "time"

// Request is one recorded request, in arrival order.
type Request struct {
	Method string
	// Path is the URL path, e.g. "/repos/acme/widgets/issues/1".
	Path string
	// Query is the raw query string.
	Query string
	Body  []byte
	// Auth is "app-jwt", "installation" or "none"; never the credential itself.
	Auth string
	// APIVersion is the X-GitHub-Api-Version header.
	APIVersion string
	// At is when the fake received it.
	At time.Time
}

// Issue is a scripted issue.
type Issue struct {
	Number    int
	State     string // "open" (default) or "closed"
	Title     string
	Author    string
	Assignees []string
}

// PullRequest is a scripted pull request.
type PullRequest struct {
	Number  int
	Author  string
	HeadSHA string
	HeadRef string
	State   string // "open" (default) or "closed"
	// Files are the paths the pull request changes (GET .../pulls/{n}/files).
	Files []string
}

// Job is a scripted workflow-run job.
type Job struct {
	ID         int64
	Name       string
	Conclusion string
}

// CompareFile is one entry of a scripted compare answer's "files".
type CompareFile struct {
	Filename string
	// Status is "added", "modified", "removed", "renamed", ...
	Status string
	// PreviousFilename is set for "renamed".
	PreviousFilename string
}

// Comment is an issue comment held by the fake.
type Comment struct {
	ID    int64
	Login string
	Body  string
}

// Reaction is a reaction created through the API.
type Reaction struct {
	Owner     string
	Repo      string
	CommentID int64
	// Kind is "issue" (issue comment) or "review" (pull request review comment).
	Kind    string
	Content string
}

// Status is a commit status created through the API.
type Status struct {
	State       string
	Context     string
	Description string
	TargetURL   string
}

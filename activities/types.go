package activities

// Repo names a GitHub repository.
type Repo struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
	// ID is GitHub's repository id (0 in histories from before it was
	// recorded); it labels chats and survives renames.
	ID int64 `json:"id,omitempty"`
	// HTMLURL is the repository's web page as GitHub sent it
	// (repository.html_url), so GitHub Enterprise links are right; empty in
	// histories from before it was recorded.
	HTMLURL string `json:"html_url,omitempty"`
}

// FullName is "owner/name".
func (r Repo) FullName() string { return r.Owner + "/" + r.Name }

// URL is the repository's web page: HTMLURL when GitHub sent it, else
// webBase (the web root of GITHUB_API_URL, ending in "/") + "owner/name".
func (r Repo) URL(webBase string) string {
	if r.HTMLURL != "" {
		return r.HTMLURL
	}
	return webBase + r.FullName()
}

// StatusCommentMarker is the hidden first line of the one status comment
// per issue; it is the same marker coder-action writes, so its comments are reused.
const StatusCommentMarker = "<!-- coder-factory:task-status -->"

package activities

import "fmt"

// IssuePrompt is the first message of an issue's chat. Coder Agents runs
// the agent in the control plane with no template prompt of ours, so the
// message says what to do: the same header lines the code-factory
// template's prompt has, then the work and the conventions the rest of
// code-factory relies on (a pull request that closes the issue, so its
// comments and CI failures reach the chat). The title, when known, is
// quoted sanitised on one line (SanitizeLine), so hidden text in a title
// never reaches the agent.
func IssuePrompt(repo Repo, issueURL string, number int, requester, title string) string {
	return promptHead("ISSUE", repo, issueURL, number, requester, title) + fmt.Sprintf(
		"Resolve this GitHub issue. Read the issue and its comments, make the change on a new branch of %s, "+
			"run the project's tests, and open a pull request whose description says \"Fixes #%d\". "+
			"Comments on the issue and on the pull request, and failed CI runs, will follow as messages in this chat.",
		repo.FullName(), number)
}

// promptHead is the header block of a first message: "{KIND}_URL",
// REPO_OWNER, REPO_NAME, "{KIND}_NUMBER", the sanitised "{KIND}_TITLE" when
// known, REQUESTER, then a blank line.
func promptHead(kind string, repo Repo, url string, number int, requester, title string) string {
	head := fmt.Sprintf("%s_URL: %s\nREPO_OWNER: %s\nREPO_NAME: %s\n%s_NUMBER: %d\n", kind, url, repo.Owner, repo.Name, kind, number)
	if t := SanitizeLine(title); t != "" {
		head += kind + "_TITLE: " + t + "\n"
	}
	return head + "REQUESTER: " + requester + "\n\n"
}

// PRPrompt is the first message of a pull request's own chat (a mention on
// a pull request not by the agent, or an automatic review): the same header
// lines with the pull request's, then the work. What was asked (the
// comment, or the review prompt) follows it as the request.
func PRPrompt(repo Repo, prURL string, number int, requester, title string) string {
	return promptHead("PR", repo, prURL, number, requester, title) + fmt.Sprintf(
		"Work on this GitHub pull request of %s as asked below. Read the pull request, its diff and its comments. "+
			"Push commits to its branch only when asked to change it; otherwise answer with a comment on the pull request. "+
			"Later comments on the pull request and new pushes to it will follow as messages in this chat.",
		repo.FullName())
}

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
	head := fmt.Sprintf("ISSUE_URL: %s\nREPO_OWNER: %s\nREPO_NAME: %s\nISSUE_NUMBER: %d\n", issueURL, repo.Owner, repo.Name, number)
	if t := SanitizeLine(title); t != "" {
		head += "ISSUE_TITLE: " + t + "\n"
	}
	return head + fmt.Sprintf("REQUESTER: %s\n\n"+
		"Resolve this GitHub issue. Read the issue and its comments, make the change on a new branch of %s, "+
		"run the project's tests, and open a pull request whose description says \"Fixes #%d\". "+
		"Comments on the issue and on the pull request, and failed CI runs, will follow as messages in this chat.",
		requester, repo.FullName(), number)
}

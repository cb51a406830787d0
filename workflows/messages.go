package workflows

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/code-factory/code-factory/activities"
)

// feedbackInstructions is the instruction block coder-action sends with
// every forwarded comment.
const feedbackInstructions = "[INSTRUCTIONS]\nUse the /receiving-feedback skill to handle the following comment.\n[END INSTRUCTIONS]"

// FormatComment renders a forwarded comment in coder-action's format:
// "New Comment on Issue: <url>" or "New Comment on PR: <url>", then
// Commenter, Timestamp, an optional "File: path:line", the instructions and
// the sanitised comment body.
func FormatComment(kind EventKind, c Comment) string {
	var b strings.Builder
	if kind == KindIssueComment {
		fmt.Fprintf(&b, "New Comment on Issue: %s\n", c.URL)
	} else {
		fmt.Fprintf(&b, "New Comment on PR: %s\n", c.URL)
	}
	fmt.Fprintf(&b, "Commenter: %s\nTimestamp: %s", c.Author.Login, c.CreatedAt)
	if c.Path != "" {
		// A path is anyone's text too: one line, nothing hidden.
		fmt.Fprintf(&b, "\nFile: %s", activities.SanitizeLine(c.Path))
		if c.Line > 0 {
			fmt.Fprintf(&b, ":%d", c.Line)
		}
	}
	fmt.Fprintf(&b, "\n\n%s\n\n[COMMENT]\n%s\n[END COMMENT]", feedbackInstructions, activities.Sanitize(cutBody(c.Body, c.URL)))
	return b.String()
}

// maxCommentBody bounds one forwarded comment body. GitHub refuses comments
// over 65,536 characters, at most 256 KiB of UTF-8, so only a payload no
// GitHub comment can make is ever cut.
const maxCommentBody = 256 << 10

// cutBody cuts a body over maxCommentBody at a character boundary and says
// where the whole comment is.
func cutBody(body, url string) string {
	if len(body) <= maxCommentBody {
		return body
	}
	cut := maxCommentBody
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return body[:cut] + fmt.Sprintf("\n\n[comment cut at %d KiB of %d KiB: read it whole at %s]", maxCommentBody>>10, len(body)>>10, url)
}

// JoinInputs joins several rendered inputs into one, each keeping its own
// header block.
func JoinInputs(inputs []string) string {
	return strings.Join(inputs, "\n\n---\n\n")
}

// Status texts of the issue's status comment.
func statusCreated(url string) string { return "Task created: " + url }
func statusRunning(url string) string { return "Task is running: " + url }
func statusFailed(url string) string  { return "Failed to create task sandbox: " + url + retryHint }
func statusCompleted() string         { return "Task completed." }
func statusUnassigned() string        { return "Task cancelled: the agent was unassigned." }
func statusUndelivered(url string, notReady bool) string {
	if notReady {
		return "Input could not be delivered: the task did not become ready in time. Check the task: " + url
	}
	return "Input could not be delivered to the task; the error is in code-factory's logs. Check the task: " + url
}

// retryHint follows statuses after which re-assigning is the way to retry.
const retryHint = "\n\nRe-assign the agent to try again."

// statusWorkflowFailed explains a workflow that could not go on: what
// failed, where an operator can look, and how to retry.
func statusWorkflowFailed(reason, operatorLink, agent string) string {
	return fmt.Sprintf("code-factory could not go on with this issue: %s\n\nNothing is running for it now. An operator can see what happened at %s. Re-assign @%s to try again.", reason, operatorLink, agent)
}

// noteUnchecked: a comment whose author's access could not be checked.
func noteUnchecked(login, url string) string {
	return fmt.Sprintf("Note: a comment by `%s` was not forwarded because their access to this repository could not be checked (%s); ask them to post it again.", login, url)
}

// noteUnreadable: a queued comment that could not be read back from GitHub
// (deleted meanwhile) when it was its turn.
func noteUnreadable(login, url string) string {
	return fmt.Sprintf("Note: a comment by `%s` was not forwarded because it could not be read back from GitHub when its turn came (was it deleted?) (%s).", login, url)
}

// statusGoneInCoder: the chat was archived or deleted from Coder's side.
func statusGoneInCoder(agent string) string {
	return fmt.Sprintf("Task ended: the chat was archived or deleted in Coder, so comments here no longer reach it. Re-assign @%s to start a new one.", agent)
}

// agentErrorNote explains a chat in error; the message is Coder's
// last_error, which names the problem (a provider, a quota) and never a token.
func agentErrorNote(msg string) string {
	return "The agent stopped with an error: " + activities.Sanitize(msg) + "\nReply on this issue to have it try again, or check the chat in Coder."
}

func statusNotPermitted(assigner, agent string) string {
	return fmt.Sprintf("@%s, only people with write, maintain or admin access to this repository can assign @%s. Ask a maintainer to assign it.", assigner, agent)
}

func statusNoCoderUser(assigner string, matches int) string {
	if matches > 1 {
		return fmt.Sprintf("@%s, your GitHub account is linked to %d Coder users, so no task was started. Keep exactly one Coder account linked to your GitHub account, then assign the agent again.", assigner, matches)
	}
	return fmt.Sprintf("@%s, no Coder user is linked to your GitHub account, so no task was started. Sign in to Coder with GitHub (or link your GitHub account in Coder's account settings), then assign the agent again.", assigner)
}

// outsiderNote is appended to the status comment once someone without write
// access has commented. Logins are quoted, not @-mentioned.
func outsiderNote(logins []string) string {
	return "Note: comments from people without write access to this repository are not forwarded to the agent (not forwarded so far: `" + strings.Join(logins, "`, `") + "`)."
}

// statusInvalidConfig explains an invalid .code-factory/config.toml.
func statusInvalidConfig(problems []string) string {
	return "`.code-factory/config.toml` on the default branch is invalid, so no task was started:\n\n- " +
		strings.Join(problems, "\n- ") +
		"\n\nFix the file (check it locally with `code-factory validate`), then assign the agent again."
}

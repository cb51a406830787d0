package workflows

import (
	"regexp"
	"strings"
)

// Commands a writer can give the agent in a comment: "@agent stop".
const (
	// CommandStop deletes the task.
	CommandStop = "stop"
	// CommandRetry deletes the task and creates a fresh one.
	CommandRetry = "retry"
	// CommandStatus answers with the task's phase and link.
	CommandStatus = "status"
)

var (
	fence      = regexp.MustCompile("^ {0,3}(```|~~~)")
	codeSpan   = regexp.MustCompile("(`+)[^`]*?(`+)")
	quoteLine  = regexp.MustCompile(`^ {0,3}>`)
	mentionRE  = regexp.MustCompile(`(^|[^A-Za-z0-9_.+\-@/\x60])@([A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\[bot\])?)`)
	commandArg = regexp.MustCompile(`^[\s,:]*([A-Za-z]+)\b`)
)

// prose is body without what is not addressed to anyone: fenced code
// blocks, code spans and quoted lines (a reply quoting "> @agent").
func prose(body string) string {
	var out []string
	inFence := ""
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if m := fence.FindStringSubmatch(line); m != nil {
			switch {
			case inFence == "":
				inFence = m[1]
			case inFence == m[1]:
				inFence = ""
			}
			out = append(out, "")
			continue
		}
		if inFence != "" || quoteLine.MatchString(line) {
			out = append(out, "")
			continue
		}
		out = append(out, codeSpan.ReplaceAllString(line, " "))
	}
	return strings.Join(out, "\n")
}

// Mentions are the logins a comment @-mentions, lower-cased, in order and
// without repeats. "foo@agent" (an address), a mention inside code and a
// quoted mention do not count. It is pure: the ingress uses it to tell
// which comments may address the agent, workflows to match the phrase.
func Mentions(body string) []string {
	var out []string
	for _, m := range mentionRE.FindAllStringSubmatch(prose(body), -1) {
		login := strings.ToLower(m[2])
		if !containsFold(out, login) {
			out = append(out, login)
		}
	}
	return out
}

// Addressed reports whether body mentions phrase ("@agent") as a word, and
// returns the command that follows the first such mention ("stop",
// "retry", "status"; "" for anything else, which is a normal comment).
func Addressed(body, phrase string) (ok bool, command string) {
	want := strings.ToLower(strings.TrimPrefix(phrase, "@"))
	text := prose(body)
	for _, loc := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		if strings.ToLower(text[loc[4]:loc[5]]) != want {
			continue
		}
		if m := commandArg.FindStringSubmatch(text[loc[5]:]); m != nil {
			switch c := strings.ToLower(m[1]); c {
			case CommandStop, CommandRetry, CommandStatus:
				rest := strings.TrimSpace(text[loc[5]:])
				rest = strings.TrimLeft(rest, ",: ")
				// Only a bare command ("@agent stop", "@agent stop."), not
				// a sentence that starts with the word.
				if len(strings.Fields(rest)) == 1 {
					return true, c
				}
			}
		}
		return true, ""
	}
	return false, ""
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

package coder

import (
	"regexp"
	"strconv"
	"strings"
)

// Chat label keys code-factory sets. Keys and values must match
// ^[a-zA-Z0-9][a-zA-Z0-9._/-]*$ and be at most 64 bytes, and a chat holds
// at most 50 labels (coder/create-agent-chat-action src/sanitize-label-token.ts:
// "The platform applies the same regex to label keys and label values";
// docs/ai-coder/agents/chats-api.md "labels (max 50)").
const (
	// LabelRepoID is the repository's GitHub id; stable across renames.
	LabelRepoID = "code-factory/repo-id"
	// LabelRepo is the repository's full name, for people.
	LabelRepo = "code-factory/repo"
	// LabelIssue is the issue number.
	LabelIssue = "code-factory/issue"
	// LabelRun names a run that is not an issue's (a scheduled job or a
	// failed-run hook): its task name.
	LabelRun = "code-factory/run"
)

// maxLabelLen is Coder's limit on a label key or value.
const maxLabelLen = 64

var labelBad = regexp.MustCompile(`[^a-zA-Z0-9._/-]+`)

// LabelValue makes s a valid label value: characters outside the allowed
// set become '-', a leading non-alphanumeric run is dropped, and the result
// is cut to 64 bytes ("x" when nothing is left).
func LabelValue(s string) string {
	s = labelBad.ReplaceAllString(s, "-")
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if len(s) > maxLabelLen {
		s = s[:maxLabelLen]
	}
	if s == "" {
		return "x"
	}
	return s
}

// IssueLabels are the labels of an issue's chat. repoID may be 0 (a
// workflow started before ids were recorded): the name identifies it then.
func IssueLabels(repoID int64, fullName string, issue int) map[string]string {
	l := map[string]string{LabelRepo: LabelValue(fullName), LabelIssue: strconv.Itoa(issue)}
	if repoID > 0 {
		l[LabelRepoID] = strconv.FormatInt(repoID, 10)
	}
	return l
}

// RunLabels are the labels of a chat that is not an issue's: a run name
// unique to it.
func RunLabels(fullName, name string) map[string]string {
	return map[string]string{LabelRepo: LabelValue(fullName), LabelRun: LabelValue(name)}
}

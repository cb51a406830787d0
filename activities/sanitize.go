package activities

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// linkRefComment is a Markdown link reference definition to "#" or
	// "<>" (`[//]: # (text)`, `[comment]: <> "text"`): a definition is never
	// rendered, so its label and title are text only the agent would read.
	linkRefComment = regexp.MustCompile(`(?m)^ {0,3}\[[^\]\n]*\]:[ \t]*(?:#|<>)(?:[ \t]+(?:\([^\n]*\)|"[^\n]*"|'[^\n]*'))?[ \t]*(?:\n|$)`)
)

// Sanitize removes what a human reader of a comment, title or body cannot
// see on GitHub but the agent would read: HTML comments (an unterminated
// "<!--" hides the rest), Markdown link-reference comments, zero-width
// characters and bidirectional control characters.
func Sanitize(s string) string {
	s = htmlComment.ReplaceAllString(s, "")
	if i := strings.Index(s, "<!--"); i >= 0 {
		s = s[:i]
	}
	s = linkRefComment.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// maxQuotedLine is how many characters of a title code-factory quotes.
const maxQuotedLine = 200

// SanitizeLine is Sanitize for text quoted on one line, such as an issue
// title: line breaks become spaces and it is cut to 200 characters.
func SanitizeLine(s string) string {
	s = strings.Join(strings.Fields(Sanitize(s)), " ")
	if utf8.RuneCountInString(s) <= maxQuotedLine {
		return s
	}
	return string([]rune(s)[:maxQuotedLine-1]) + "…"
}

// invisible reports zero-width and bidirectional-control characters.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F: // zero-width space/joiners, LRM, RLM
		return true
	case r >= 0x202A && r <= 0x202E: // bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	case r == 0xFEFF || r == 0x180E || r == 0x061C || r == 0x00AD:
		return true
	case r >= 0xE0000 && r <= 0xE007F: // tag characters
		return true
	}
	return false
}

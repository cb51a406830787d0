package activities

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSanitize: whatever the text, nothing hidden survives (no "<!--", no
// invisible character), sanitising twice changes nothing, and a line stays
// one line of at most 200 characters.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "a<!-- hidden -->b", "x <!-- unterminated", "[//]: # (secret)\nshown", "a\u200bb\u202ec", "<!<!---->--", "<!-\n[//]: #\n-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Sanitize(s)
		if strings.Contains(out, "<!--") {
			t.Fatalf("Sanitize(%q) = %q keeps a comment opener", s, out)
		}
		for _, r := range out {
			if invisible(r) {
				t.Fatalf("Sanitize(%q) = %q keeps %U", s, out, r)
			}
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("Sanitize is not idempotent on %q: %q then %q", s, out, again)
		}
		line := SanitizeLine(s)
		if strings.ContainsAny(line, "\n\r") || utf8.RuneCountInString(line) > maxQuotedLine {
			t.Fatalf("SanitizeLine(%q) = %q", s, line)
		}
	})
}

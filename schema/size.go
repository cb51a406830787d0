package schema

import (
	"errors"
	"regexp"
	"strings"
)

// Patterns shared by Parse and the JSON Schema (the struct tags in config.go
// carry the same text; a test keeps them equal). They are written so that Go
// (RE2) and editors (ECMA-262) read them the same way.
const (
	// SizePattern matches an accepted volume size such as "10Gi" or "10 gb".
	SizePattern = `^[ \t]*[0-9]+[ \t]*[KkMmGgTt][BbIi]?[ \t]*$`
	// NonBlankPattern matches a string holding at least one non-blank character.
	NonBlankPattern = `[^ \t\r\n]`
)

// patterns holds the compiled forms of the exported patterns. Compiling is
// cheap; keeping them in a value avoids package-level mutable state.
type patterns struct {
	size     *regexp.Regexp
	nonBlank *regexp.Regexp
}

func compilePatterns() patterns {
	return patterns{
		size:     regexp.MustCompile(SizePattern),
		nonBlank: regexp.MustCompile(NonBlankPattern),
	}
}

// NormalizeSize turns an accepted volume size ("10gb", "10GB", "10G",
// "10gi", " 10 Gi ") into its canonical binary form ("10Gi"). K, M, G and T
// are accepted with an optional b or i suffix, in any case. The error never
// quotes the input.
func NormalizeSize(s string) (string, error) {
	if !compilePatterns().size.MatchString(s) {
		return "", errors.New(RuleSize)
	}
	return normalizeMatched(s), nil
}

// normalizeMatched normalizes a string already known to match SizePattern.
func normalizeMatched(s string) string {
	s = strings.Trim(s, " \t")
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	digits := s[:i]
	unit := strings.TrimLeft(s[i:], " \t")
	return digits + strings.ToUpper(unit[:1]) + "i"
}

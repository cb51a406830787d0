package schema

import (
	"strconv"
	"strings"
)

// Problem is one error or warning found in a config file. It names where
// and which rule; it never quotes a value from the file.
type Problem struct {
	// Path is the key path, e.g. "sandbox.volumes[1].size"; empty for a
	// TOML syntax error.
	Path string `json:"path"`
	// Line is the 1-based line in the file, 0 when unknown.
	Line int `json:"line"`
	// Rule says what is wrong, e.g. `expected a size like "10Gi"`.
	Rule string `json:"rule"`
}

// String renders "line 7: sandbox.volumes[1].size: expected ...", leaving
// out the parts that are unknown.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteString(": ")
	}
	p.writePathRule(&b)
	return b.String()
}

// located renders "file:7: sandbox.size: rule" for the validate command.
func (p Problem) located(file string) string {
	var b strings.Builder
	b.WriteString(file)
	if p.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	p.writePathRule(&b)
	return b.String()
}

func (p Problem) writePathRule(b *strings.Builder) {
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Rule)
}

// Result is what Parse found: errors make the file invalid, warnings (such
// as unknown keys) do not.
type Result struct {
	// Errors make the file unusable.
	Errors []Problem `json:"errors"`
	// Warnings are reported but do not stop the file being used.
	Warnings []Problem `json:"warnings"`
}

// OK reports whether the file had no errors (warnings are allowed).
func (r *Result) OK() bool { return r == nil || len(r.Errors) == 0 }

// Err returns nil when the file is valid and an *InvalidError otherwise.
func (r *Result) Err() error {
	if r.OK() {
		return nil
	}
	return &InvalidError{Errors: r.Errors, Warnings: r.Warnings}
}

// InvalidError says a config file was read but is not valid. It is distinct
// from I/O errors (the file could not be loaded): callers use errors.As to
// tell "could not parse" from "could not load".
type InvalidError struct {
	// Errors are the problems that make the file invalid (at least one).
	Errors []Problem
	// Warnings are the non-fatal problems found alongside.
	Warnings []Problem
}

// Error lists every problem; none of them quotes a value from the file.
func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, p := range e.Errors {
		parts[i] = p.String()
	}
	return "invalid " + DefaultPath + ": " + strings.Join(parts, "; ")
}

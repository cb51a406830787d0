package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit codes of Validate.
const (
	// ExitValid: the file is valid (warnings allowed).
	ExitValid = 0
	// ExitInvalid: the file was read but is not valid.
	ExitInvalid = 1
	// ExitUnreadable: the file could not be read.
	ExitUnreadable = 2
)

// validateReport is the --json output of Validate.
type validateReport struct {
	Valid    bool      `json:"valid"`
	Errors   []Problem `json:"errors"`
	Warnings []Problem `json:"warnings"`
}

// Validate implements `code-factory validate [path]`: it reads the config
// file at path (DefaultPath when empty), writes its verdict to w and returns
// the exit code: ExitValid, ExitInvalid, or ExitUnreadable when the file
// cannot be read (or the verdict cannot be written to w).
//
// Human output is "path: OK" for a valid file, preceded by one
// "warning: path:line: key.path: rule" line per warning; an invalid file
// gets one "path:line: key.path: rule" line per error (warnings after).
// With asJSON the output is {"valid":…,"errors":[…],"warnings":[…]}; an
// unreadable file is reported as {"valid":false,"read_error":"…"}.
func Validate(w io.Writer, path string, asJSON bool) (exitCode int) {
	if path == "" {
		path = DefaultPath
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return writeUnreadable(w, path, err, asJSON)
	}
	_, res := Parse(data)
	code := ExitValid
	if !res.OK() {
		code = ExitInvalid
	}
	if asJSON {
		enc := json.NewEncoder(w)
		if err := enc.Encode(validateReport{Valid: res.OK(), Errors: res.Errors, Warnings: res.Warnings}); err != nil {
			return ExitUnreadable
		}
		return code
	}
	var lines []string
	for _, p := range res.Errors {
		lines = append(lines, p.located(path))
	}
	for _, p := range res.Warnings {
		lines = append(lines, "warning: "+p.located(path))
	}
	if res.OK() {
		lines = append(lines, path+": OK")
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return ExitUnreadable
		}
	}
	return code
}

// writeUnreadable reports a file that could not be read; the message says
// so, distinct from an invalid file.
func writeUnreadable(w io.Writer, path string, err error, asJSON bool) int {
	msg := fmt.Sprintf("cannot read %s: %v", path, err)
	var pe *os.PathError
	if errors.As(err, &pe) {
		msg = fmt.Sprintf("cannot read %s: %v", path, pe.Err)
	}
	// A failure to write changes nothing: the exit code already says the
	// file could not be read.
	if asJSON {
		_ = json.NewEncoder(w).Encode(map[string]any{"valid": false, "read_error": msg})
	} else {
		_, _ = fmt.Fprintln(w, msg)
	}
	return ExitUnreadable
}

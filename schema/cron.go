package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// CronError says why a cron expression was rejected. It names the field and
// the rule, never the text of the expression.
type CronError struct {
	// Field is the field at fault ("minute", "hour", "day-of-month",
	// "month", "day-of-week"), empty when the expression as a whole is wrong.
	Field string
	// Reason is the rule that was broken.
	Reason string
}

// Error implements error.
func (e *CronError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// cronField describes one of the five fields.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i (months) or i (weekdays)
}

func cronFields() [5]cronField {
	return [5]cronField{
		{name: "minute", min: 0, max: 59},
		{name: "hour", min: 0, max: 23},
		{name: "day-of-month", min: 1, max: 31},
		{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
		{name: "day-of-week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
	}
}

// ParseCron checks a standard 5-field cron expression: minute (0-59), hour
// (0-23), day of month (1-31), month (1-12 or JAN-DEC) and day of week (0-7
// or SUN-SAT; 0 and 7 are both Sunday). Each field is `*` or a
// comma-separated list of values, ranges (`1-5`) and steps (`*/15`, `1-30/5`,
// `10/5`). Names are case-insensitive. Macros such as `@daily` and
// six-field (seconds) expressions are rejected. The error is a *CronError.
func ParseCron(spec string) error {
	parts := strings.Fields(spec)
	if len(parts) != 5 {
		return &CronError{Reason: fmt.Sprintf("expected 5 fields (minute hour day-of-month month day-of-week), got %d", len(parts))}
	}
	fields := cronFields()
	for i, part := range parts {
		if err := fields[i].check(part); err != nil {
			return err
		}
	}
	return nil
}

func (f cronField) fail(reason string) error { return &CronError{Field: f.name, Reason: reason} }

// check validates one field: a comma-separated list of items.
func (f cronField) check(s string) error {
	for _, item := range strings.Split(s, ",") {
		if item == "" {
			return f.fail("empty list element")
		}
		if err := f.checkItem(item); err != nil {
			return err
		}
	}
	return nil
}

// checkItem validates `*`, `v`, `a-b`, each optionally followed by `/step`.
func (f cronField) checkItem(item string) error {
	rng, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		n, ok := number(step)
		if !ok {
			return f.fail("step must be a number")
		}
		if n < 1 || n > f.max {
			return f.fail(fmt.Sprintf("step out of range 1-%d", f.max))
		}
	}
	if rng == "*" {
		return nil
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	a, err := f.value(lo)
	if err != nil {
		return err
	}
	if !isRange {
		return nil
	}
	b, err := f.value(hi)
	if err != nil {
		return err
	}
	if a > b {
		return f.fail("range start is after its end")
	}
	return nil
}

// value parses a number or (for month and day-of-week) a three-letter name.
func (f cronField) value(s string) (int, error) {
	if s == "" {
		return 0, f.fail("missing value")
	}
	if n, ok := number(s); ok {
		if n < f.min || n > f.max {
			return 0, f.fail(fmt.Sprintf("value out of range %d-%d", f.min, f.max))
		}
		return n, nil
	}
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			if f.min == 1 {
				return i + 1, nil
			}
			return i, nil
		}
	}
	if len(f.names) > 0 {
		return 0, f.fail(fmt.Sprintf("expected a number or a name %s-%s", f.names[0], f.names[len(f.names)-1]))
	}
	return 0, f.fail("expected a number")
}

// number parses a short run of ASCII digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

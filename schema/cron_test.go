package schema

import (
	"errors"
	"testing"
)

func TestParseCronValid(t *testing.T) {
	for _, spec := range []string{
		"* * * * *", "0 9 * * 1", "0 9 * * MON", "0 9 * * mon-fri", "*/15 * * * *", "0-30/5 * * * *",
		"10/5 * * * *", "0,15,30,45 0-23/2 1,15 * *", "59 23 31 12 7", "0 0 1 1 0", "0 0 1 JAN,jul SUN",
		"0 0 * FEB-NOV *", "  0   9 * *   1  ", "\t0\t9\t*\t*\t1", "5 4 * * sun", "0 0 1-31/31 * *",
		"0 0 * * 0-7", "00 09 * * 01", "*/59 */23 */31 */12 */7", "1-1 * * * *",
	} {
		if err := ParseCron(spec); err != nil {
			t.Errorf("ParseCron(%q) = %v, want nil", spec, err)
		}
	}
}

func TestParseCronInvalid(t *testing.T) {
	cases := []struct{ spec, want string }{
		{"", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"},
		{"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
		{"0 * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
		{"@daily", "expected 5 fields (minute hour day-of-month month day-of-week), got 1"},
		{"60 * * * *", "minute: value out of range 0-59"},
		{"* 24 * * *", "hour: value out of range 0-23"},
		{"* * 0 * *", "day-of-month: value out of range 1-31"},
		{"* * 32 * *", "day-of-month: value out of range 1-31"},
		{"* * * 0 *", "month: value out of range 1-12"},
		{"* * * 13 *", "month: value out of range 1-12"},
		{"* * * * 8", "day-of-week: value out of range 0-7"},
		{"* * * JANUARY *", "month: expected a number or a name JAN-DEC"},
		{"* * * * MONDAY", "day-of-week: expected a number or a name SUN-SAT"},
		{"* * * MON *", "month: expected a number or a name JAN-DEC"},
		{"* * * * JAN", "day-of-week: expected a number or a name SUN-SAT"},
		{"MON * * * *", "minute: expected a number"},
		{"*/0 * * * *", "minute: step out of range 1-59"},
		{"*/60 * * * *", "minute: step out of range 1-59"},
		{"*/x * * * *", "minute: step must be a number"},
		{"*/ * * * *", "minute: step must be a number"},
		{"1/2/3 * * * *", "minute: step must be a number"},
		{"5-1 * * * *", "minute: range start is after its end"},
		{"* * * * FRI-SUN", "day-of-week: range start is after its end"},
		{"1- * * * *", "minute: missing value"},
		{"-1 * * * *", "minute: missing value"},
		{"1-2-3 * * * *", "minute: expected a number"},
		{"1,,2 * * * *", "minute: empty list element"},
		{"1, * * * *", "minute: empty list element"},
		{"? * * * *", "minute: expected a number"},
		{"L * * * *", "minute: expected a number"},
		{"99999 * * * *", "minute: expected a number"},
		{"1.5 * * * *", "minute: expected a number"},
		{"** * * * *", "minute: expected a number"},
		{"*-5 * * * *", "minute: expected a number"},
	}
	for _, tc := range cases {
		err := ParseCron(tc.spec)
		var ce *CronError
		if !errors.As(err, &ce) {
			t.Errorf("ParseCron(%q) = %v, want a *CronError", tc.spec, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("ParseCron(%q) = %q, want %q", tc.spec, err, tc.want)
		}
	}
}

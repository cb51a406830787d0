package schema

import (
	"errors"
	"regexp"
	"time"

	// The IANA database is embedded, so a zone validates the same on a
	// minimal container image without /usr/share/zoneinfo as on a laptop.
	_ "time/tzdata"
)

// TimezonePattern is the shape of an IANA zone name ("UTC",
// "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"); the JSON
// Schema carries it, and ValidTimezone also looks the zone up.
const TimezonePattern = `^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$`

var timezoneRE = regexp.MustCompile(TimezonePattern)

// ValidTimezone reports whether tz is a known IANA zone name. "Local" and
// the empty string are refused: a schedule must not depend on the host.
func ValidTimezone(tz string) error {
	if tz == "" || tz == "Local" || !timezoneRE.MatchString(tz) {
		return errors.New("not an IANA zone name")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return errors.New("unknown IANA zone")
	}
	return nil
}

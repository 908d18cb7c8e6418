package pages

import "time"

// Clock exposes the time rule to the external tests.
func Clock(t, now time.Time, loc *time.Location) string { return clock(t, now, loc) }

// LookupZone exposes the cookie's zone lookup to the external tests.
func LookupZone(name string) *time.Location {
	var z zones
	return z.lookup(name)
}

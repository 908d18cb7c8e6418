package pages

import (
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TimeZoneCookie names the reader's IANA time zone ("Europe/Paris"). The
// SPA writes it from the browser's own zone, so that these pages show a
// message's time with the same text as the SPA; without it they use UTC.
const TimeZoneCookie = "parley_tz"

// zoneName is what an IANA zone name looks like; it keeps path tricks and
// "Local" (the server's own zone) out of time.LoadLocation.
var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9][A-Za-z0-9_+\-]*){0,2}$`)

// maxZones bounds the cache of loaded zones; the IANA database has ~600.
const maxZones = 1024

// zones caches loaded locations: time.LoadLocation reads the disk.
type zones struct {
	mu    sync.Mutex
	known map[string]*time.Location
}

// lookup returns the zone named name, or UTC when the name is not a zone.
func (z *zones) lookup(name string) *time.Location {
	if name == "" || name == "UTC" || len(name) > 64 || name == "Local" || !zoneName.MatchString(name) {
		return time.UTC
	}
	z.mu.Lock()
	loc, ok := z.known[name]
	z.mu.Unlock()
	if ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unknown names are not cached: anyone can send any cookie.
		return time.UTC
	}
	z.mu.Lock()
	if z.known == nil {
		z.known = make(map[string]*time.Location)
	}
	if len(z.known) < maxZones {
		z.known[name] = loc
	}
	z.mu.Unlock()
	return loc
}

// readerZone is the zone of the request's time-zone cookie, else UTC.
func (z *zones) readerZone(c *fiber.Ctx) *time.Location {
	return z.lookup(c.Cookies(TimeZoneCookie))
}

// clock is Parley's one rule for a message's time, shared with the SPA
// (frontend/src/lib/clock.ts): "15:04" on the reader's today, "Jan 2,
// 15:04" earlier in the same year, "Jan 2, 2006, 15:04" before that, on a
// 24-hour clock in loc. Month names are spelled here, not by a locale, so
// the two sides cannot differ.
func clock(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	hm := twoDigits(t.Hour()) + ":" + twoDigits(t.Minute())
	y, m, d := t.Date()
	ny, nm, nd := now.Date()
	switch {
	case y == ny && m == nm && d == nd:
		return hm
	case y == ny:
		return monthNames[m-1] + " " + strconv.Itoa(d) + ", " + hm
	default:
		return monthNames[m-1] + " " + strconv.Itoa(d) + ", " + strconv.Itoa(y) + ", " + hm
	}
}

// fullClock is the long form shown on hover: the date with its year and
// the zone's name, so that a reader can tell which zone the page used.
func fullClock(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	y, m, d := t.Date()
	return monthNames[m-1] + " " + strconv.Itoa(d) + ", " + strconv.Itoa(y) + ", " +
		twoDigits(t.Hour()) + ":" + twoDigits(t.Minute()) + " " + loc.String()
}

var monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

package pages_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/pages"
)

// clockCase is one line of testdata/clock.json, which the SPA's own test
// of the same rule reads too (frontend/src/lib/clock.test.ts).
type clockCase struct {
	Name string    `json:"name"`
	Time time.Time `json:"time"`
	Now  time.Time `json:"now"`
	Zone string    `json:"zone"`
	Want string    `json:"want"`
}

func TestClock(t *testing.T) {
	raw, err := os.ReadFile("testdata/clock.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []clockCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			loc, err := time.LoadLocation(c.Zone)
			if err != nil {
				t.Fatal(err)
			}
			if got := pages.Clock(c.Time, c.Now, loc); got != c.Want {
				t.Errorf("got %q, want %q", got, c.Want)
			}
		})
	}
}

func TestLookupZone(t *testing.T) {
	for name, want := range map[string]string{
		"Europe/Paris":                   "Europe/Paris",
		"America/Argentina/Buenos_Aires": "America/Argentina/Buenos_Aires",
		"Etc/GMT+5":                      "Etc/GMT+5",
		"UTC":                            "UTC",
		"":                               "UTC",
		"Local":                          "UTC",
		"Mars/Olympus_Mons":              "UTC",
		"../../etc/passwd":               "UTC",
		"/etc/localtime":                 "UTC",
		"Europe/Paris\x00":               "UTC",
		"Europe/Paris; x=1":              "UTC",
		strings.Repeat("A", 65):          "UTC",
	} {
		if got := pages.LookupZone(name).String(); got != want {
			t.Errorf("LookupZone(%q): got %q, want %q", name, got, want)
		}
	}
}

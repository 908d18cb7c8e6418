package loadsim_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

// series builds samples every 10 s for 10 min: a flat base, a GC-like
// saw-tooth, noise and a few spikes, plus the given growth per minute.
func series(rssBase, rssPerMin, gBase, gPerMin float64) []loadsim.SoakSample {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []loadsim.SoakSample
	for i := 0; i <= 60; i++ {
		t := float64(i * 10)
		saw := float64(i%6) * 3 // MB, reset every minute like a GC cycle
		spike := 0.0
		if i%17 == 5 {
			spike = 200 // a burst of request goroutines
		}
		out = append(out, loadsim.SoakSample{
			Seconds:    t,
			RSSMB:      rssBase + saw + rng.Float64()*2 + rssPerMin*t/60,
			Goroutines: math.Round(gBase + spike + rng.Float64()*20 + gPerMin*t/60),
		})
	}
	return out
}

var limits = loadsim.Soak{Every: 10 * time.Second, Warmup: time.Minute, RSSSlopeMB: 2, GoroutineSlope: 10}

func TestSlope(t *testing.T) {
	for _, c := range []struct {
		name string
		x, y []float64
		want float64
	}{
		{"OKLine", []float64{0, 1, 2, 3}, []float64{5, 7, 9, 11}, 2},
		{"OKFlat", []float64{0, 1, 2, 3}, []float64{4, 4, 4, 4}, 0},
		{"OKIgnoresASpike", []float64{0, 1, 2, 3, 4, 5, 6}, []float64{0, 1, 2, 300, 4, 5, 6}, 1},
		{"OKFalling", []float64{0, 2}, []float64{10, 6}, -2},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := loadsim.Slope(c.x, c.y); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("Slope = %g, want %g", got, c.want)
			}
		})
	}
	if got := loadsim.Slope([]float64{1}, []float64{1}); !math.IsNaN(got) {
		t.Errorf("Slope of one point = %g, want NaN", got)
	}
}

func TestSoakVerdict(t *testing.T) {
	for _, c := range []struct {
		name    string
		samples []loadsim.SoakSample
		want    []string // substrings of the failures, none when empty
	}{
		{"OKSteadyServer", series(300, 0, 900, 0), nil},
		{"OKSlowDriftUnderLimits", series(300, 1, 900, 5), nil},
		{"ErrRSSLeak", series(300, 5, 900, 0), []string{"RSS grows"}},
		{"ErrGoroutineLeak", series(300, 0, 900, 30), []string{"goroutines grow"}},
		{"ErrBothLeak", series(300, 4, 900, 40), []string{"RSS grows", "goroutines grow"}},
		{"ErrTooShort", series(300, 0, 900, 0)[:8], []string{"samples after the warm-up"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := loadsim.SoakFailures(limits, c.samples)
			if len(got) != len(c.want) {
				t.Fatalf("failures = %q, want %d matching %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("failure %d = %q, want it to say %q", i, got[i], w)
				}
			}
		})
	}
}

// Growth before the warm-up ends (caches filling after a slow ramp) must
// not count: only the steady part is judged.
func TestSoakWarmupIsLeftOut(t *testing.T) {
	s := series(300, 0, 900, 0)
	for i := range s {
		if s[i].Seconds < 300 {
			s[i].RSSMB -= 100 * (300 - s[i].Seconds) / 300
			s[i].Goroutines -= 300 * (300 - s[i].Seconds) / 300
		}
	}
	warm := limits
	warm.Warmup = 5 * time.Minute
	if got := loadsim.SoakFailures(warm, s); len(got) != 0 {
		t.Errorf("failures = %q, want none: the warm-up's growth was judged", got)
	}
	cold := limits
	cold.Warmup = 0
	if got := loadsim.SoakFailures(cold, s); len(got) != 2 {
		t.Errorf("with no warm-up: failures = %q, want both series to fail, or the check is blind", got)
	}
}

// A server that exports no go_goroutines cannot pass a soak run.
func TestSoakNeedsGoroutines(t *testing.T) {
	s := series(300, 0, 900, 0)
	for i := range s {
		s[i].Goroutines = math.NaN()
	}
	got := loadsim.SoakFailures(limits, s)
	if len(got) != 1 || !strings.Contains(got[0], "no go_goroutines") {
		t.Errorf("failures = %q, want the missing series named", got)
	}
}

func TestSoakSVG(t *testing.T) {
	var res loadsim.Result
	res.Name = "soak"
	res.Soak = &loadsim.SoakResult{EverySeconds: 10, WarmupSeconds: 60, Samples: series(300, 0, 900, 0), RSSLimit: 2, GoroutineLimit: 10}
	dir := t.TempDir()
	if err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "soak.svg"))
	if err != nil {
		t.Fatalf("soak.svg not written: %v", err)
	}
	for _, want := range []string{"<svg", "server RSS MB", "goroutines", "<polyline", "minutes since the ramp ended"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("soak.svg lacks %q", want)
		}
	}
}

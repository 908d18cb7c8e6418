package loadsim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Soak configures memory and goroutine sampling over the steady phase:
// a server that leaks shows a steady upward slope once the ramp is over,
// which a short run hides under its start-up growth.
type Soak struct {
	Every          time.Duration // sampling interval; 0 turns the soak check off
	Warmup         time.Duration // steady time left out of the slope (caches filling, first GCs)
	RSSSlopeMB     float64       // limit: MB of server RSS per minute
	GoroutineSlope float64       // limit: goroutines per minute
}

// SoakSample is the server at one instant of the steady phase.
type SoakSample struct {
	Seconds    float64 `json:"t_seconds"` // since the steady phase began
	RSSMB      float64 `json:"rss_mb"`
	Goroutines float64 `json:"goroutines"`
}

// SoakResult is the sampled series and the slopes judged against Soak.
type SoakResult struct {
	EverySeconds       float64      `json:"every_seconds"`
	WarmupSeconds      float64      `json:"warmup_seconds"`
	RSSSlopeMBPerMin   float64      `json:"rss_slope_mb_per_min"`
	GoroutineSlopePerM float64      `json:"goroutine_slope_per_min"`
	RSSLimit           float64      `json:"rss_slope_limit_mb_per_min"`
	GoroutineLimit     float64      `json:"goroutine_slope_limit_per_min"`
	HasGoroutines      bool         `json:"has_goroutines"`
	Judged             int          `json:"samples_judged"`
	Samples            []SoakSample `json:"samples"`
}

// soakLoop samples every cfg.Every until ctx ends and returns the series.
func (r *runner) soakLoop(ctx context.Context, start time.Time) []SoakSample {
	every := r.cfg.Soak.Every
	var out []SoakSample
	take := func() {
		s := r.sampler.sample(ctx)
		if ctx.Err() != nil {
			return
		}
		g := s.Goroutines
		if !s.HasGoroutines {
			g = math.NaN()
		}
		out = append(out, SoakSample{Seconds: round3(s.At.Sub(start).Seconds()), RSSMB: round3(s.RSSBytes / (1 << 20)), Goroutines: g})
	}
	take()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
			take()
		}
	}
}

// soakResult computes the slopes of the samples after the warm-up.
func soakResult(cfg Soak, samples []SoakSample) *SoakResult {
	res := &SoakResult{
		EverySeconds: cfg.Every.Seconds(), WarmupSeconds: cfg.Warmup.Seconds(),
		RSSLimit: cfg.RSSSlopeMB, GoroutineLimit: cfg.GoroutineSlope, Samples: samples,
	}
	var t, rss, g []float64
	res.HasGoroutines = len(samples) > 0
	for _, s := range samples {
		if math.IsNaN(s.Goroutines) {
			res.HasGoroutines = false
		}
		if s.Seconds < cfg.Warmup.Seconds() {
			continue
		}
		t, rss, g = append(t, s.Seconds/60), append(rss, s.RSSMB), append(g, s.Goroutines)
	}
	res.Judged = len(t)
	res.RSSSlopeMBPerMin = round3(finite(Slope(t, rss)))
	if res.HasGoroutines {
		res.GoroutineSlopePerM = round3(finite(Slope(t, g)))
	}
	// NaN cannot be encoded as JSON: missing goroutine counts become 0.
	for i := range res.Samples {
		if math.IsNaN(res.Samples[i].Goroutines) {
			res.Samples[i].Goroutines = 0
		}
	}
	return res
}

// failures lists what the soak run breaks; too few samples is a failure
// because a slope over two points says nothing.
func (s *SoakResult) failures() []string {
	var out []string
	if s.Judged < minSoakSamples {
		return []string{fmt.Sprintf("soak: %d samples after the warm-up, need %d (run longer)", s.Judged, minSoakSamples)}
	}
	if s.RSSSlopeMBPerMin > s.RSSLimit {
		out = append(out, fmt.Sprintf("soak: server RSS grows %.2f MB/min > %g", s.RSSSlopeMBPerMin, s.RSSLimit))
	}
	if !s.HasGoroutines {
		out = append(out, "soak: the server exports no go_goroutines")
	} else if s.GoroutineSlopePerM > s.GoroutineLimit {
		out = append(out, fmt.Sprintf("soak: goroutines grow %.1f/min > %g", s.GoroutineSlopePerM, s.GoroutineLimit))
	}
	return out
}

const minSoakSamples = 6

// Slope is the Theil–Sen estimate of dy/dx: the median of the slopes
// between every pair of points. Unlike least squares it ignores the GC's
// saw-tooth and a lone spike, and still follows a steady leak. NaN when
// fewer than two distinct x are given.
func Slope(x, y []float64) float64 {
	var ss []float64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			if dx := x[j] - x[i]; dx != 0 {
				ss = append(ss, (y[j]-y[i])/dx)
			}
		}
	}
	if len(ss) == 0 {
		return math.NaN()
	}
	slices.Sort(ss)
	n := len(ss)
	if n%2 == 1 {
		return ss[n/2]
	}
	return (ss[n/2-1] + ss[n/2]) / 2
}

// finite maps NaN to 0, which JSON can carry; failures() still rejects a
// series too short to have a slope.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

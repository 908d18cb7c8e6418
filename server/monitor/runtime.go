package monitor

import (
	"math"
	"runtime/metrics"
)

// The runtime/metrics names read each tick. Heap total is what the heap
// holds and has not returned to the OS: objects (live and not yet swept),
// fragmentation and free spans.
var sampleNames = []string{
	"/gc/heap/live:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/sched/goroutines:goroutines",
	"/sched/pauses/total/gc:seconds",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
}

// runtimeReader keeps the sample buffer between ticks and the CPU counters
// of the previous tick, so the GC CPU fraction is that of the last interval.
type runtimeReader struct {
	samples      []metrics.Sample
	lastGC       float64
	lastTotal    float64
	lastFraction float64
}

func newRuntimeReader() *runtimeReader {
	r := &runtimeReader{samples: make([]metrics.Sample, len(sampleNames))}
	for i, n := range sampleNames {
		r.samples[i].Name = n
	}
	return r
}

type runtimeFigures struct {
	heapLive, heapTotal uint64
	goroutines          int
	pauses              *metrics.Float64Histogram
	gcFraction          float64
}

func (r *runtimeReader) read() runtimeFigures {
	metrics.Read(r.samples)
	u := func(i int) uint64 {
		if r.samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return r.samples[i].Value.Uint64()
	}
	f := func(i int) float64 {
		if r.samples[i].Value.Kind() != metrics.KindFloat64 {
			return 0
		}
		return r.samples[i].Value.Float64()
	}
	out := runtimeFigures{
		heapLive:   u(0),
		heapTotal:  u(1) + u(2) + u(3),
		goroutines: int(u(4)),
	}
	if r.samples[5].Value.Kind() == metrics.KindFloat64Histogram {
		out.pauses = r.samples[5].Value.Float64Histogram()
	}
	gc, total := f(6), f(7)
	// The CPU classes are estimates the runtime refreshes at each GC: an
	// interval without one keeps the previous figure rather than reading 0.
	if dt := total - r.lastTotal; dt > 0 {
		r.lastFraction = (gc - r.lastGC) / dt
	} else if r.lastTotal == 0 && total > 0 {
		r.lastFraction = gc / total
	}
	r.lastGC, r.lastTotal = gc, total
	out.gcFraction = r.lastFraction
	return out
}

// quantile of a runtime histogram, as the upper bound of the bucket that
// holds it (the lower one for the last, unbounded bucket); 0 when empty.
func quantile(h *metrics.Float64Histogram, q float64) float64 {
	if h == nil {
		return 0
	}
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	var seen uint64
	for i, c := range h.Counts {
		seen += c
		if seen >= rank {
			if hi := h.Buckets[i+1]; !math.IsInf(hi, 1) {
				return hi
			}
			return h.Buckets[i]
		}
	}
	return 0
}

// pauseTotals approximates the count and sum of a pause histogram, the sum
// from bucket midpoints (the runtime keeps no exact one).
func pauseTotals(h *metrics.Float64Histogram) (count uint64, sum float64) {
	if h == nil {
		return 0, 0
	}
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		mid := (lo + hi) / 2
		switch {
		case math.IsInf(lo, -1):
			mid = hi
		case math.IsInf(hi, 1):
			mid = lo
		}
		count += c
		sum += float64(c) * mid
	}
	return count, sum
}

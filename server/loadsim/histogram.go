package loadsim

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Bucket layout: values below linearMax microseconds get one bucket each;
// above, every power of two is cut into subBuckets, so a recorded value is
// known to within 1/subBuckets (0.2%) however large it is, like an HDR
// histogram, with a fixed array and lock-free recording.
const (
	linearMax  = 1024
	subBuckets = 512
	maxPower   = 42 // 2^42 µs is about 50 days: anything longer is clamped
	numBuckets = linearMax + (maxPower-10)*subBuckets
)

// Histogram records durations with bounded relative error. Record is safe
// for concurrent use; reading takes a Snapshot.
type Histogram struct {
	counts [numBuckets]atomic.Uint64
	max    atomic.Int64
	sum    atomic.Int64
	n      atomic.Uint64
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{} }

func bucketOf(us int64) int {
	if us < 0 {
		us = 0
	}
	if us < linearMax {
		return int(us)
	}
	k := bits.Len64(uint64(us)) - 1 // us in [2^k, 2^(k+1))
	if k >= maxPower {
		return numBuckets - 1
	}
	shift := k - 9
	mant := int(us>>uint(shift)) - subBuckets
	return linearMax + (k-10)*subBuckets + mant
}

// bucketValue is the middle of a bucket in microseconds.
func bucketValue(i int) float64 {
	if i < linearMax {
		return float64(i)
	}
	j := i - linearMax
	k := j/subBuckets + 10
	mant := j%subBuckets + subBuckets
	shift := k - 9
	lo := float64(int64(mant) << uint(shift))
	return lo + float64(int64(1)<<uint(shift))/2
}

// Record adds one duration.
func (h *Histogram) Record(d time.Duration) {
	us := d.Microseconds()
	h.counts[bucketOf(us)].Add(1)
	h.sum.Add(us)
	h.n.Add(1)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			return
		}
	}
}

// Snapshot copies the histogram's current state.
func (h *Histogram) Snapshot() *Snapshot {
	s := &Snapshot{counts: make([]uint64, numBuckets)}
	for i := range h.counts {
		c := h.counts[i].Load()
		s.counts[i] = c
		s.N += c
	}
	s.SumMicros = h.sum.Load()
	s.MaxMicros = h.max.Load()
	return s
}

// Snapshot is a frozen copy of a Histogram that answers percentiles.
type Snapshot struct {
	counts    []uint64
	N         uint64
	SumMicros int64
	MaxMicros int64
}

// Sub returns the recordings made between prev and s, for per-window
// percentiles. The window's max is that of its highest non-empty bucket.
func (s *Snapshot) Sub(prev *Snapshot) *Snapshot {
	if prev == nil {
		return s
	}
	d := &Snapshot{counts: make([]uint64, numBuckets)}
	top := -1
	for i := range s.counts {
		c := s.counts[i] - prev.counts[i]
		d.counts[i] = c
		d.N += c
		if c > 0 {
			top = i
		}
	}
	d.SumMicros = s.SumMicros - prev.SumMicros
	if top >= 0 {
		d.MaxMicros = int64(bucketValue(top))
	}
	return d
}

// Quantile returns the value at quantile q (0..1) in milliseconds; 0 when
// empty. The exact maximum is returned for q = 1.
func (s *Snapshot) Quantile(q float64) float64 {
	if s.N == 0 {
		return 0
	}
	if q >= 1 {
		return float64(s.MaxMicros) / 1000
	}
	rank := uint64(q*float64(s.N-1)) + 1 // nearest-rank: the rank-th smallest
	var seen uint64
	for i, c := range s.counts {
		seen += c
		if seen >= rank {
			v := bucketValue(i)
			if mx := float64(s.MaxMicros); v > mx {
				v = mx
			}
			return v / 1000
		}
	}
	return float64(s.MaxMicros) / 1000
}

// MeanMillis returns the mean in milliseconds.
func (s *Snapshot) MeanMillis() float64 {
	if s.N == 0 {
		return 0
	}
	return float64(s.SumMicros) / float64(s.N) / 1000
}

// CDF returns (milliseconds, cumulative fraction) points of the non-empty
// buckets, for charts.
func (s *Snapshot) CDF() [][2]float64 {
	if s.N == 0 {
		return nil
	}
	var pts [][2]float64
	var seen uint64
	for i, c := range s.counts {
		if c == 0 {
			continue
		}
		seen += c
		pts = append(pts, [2]float64{bucketValue(i) / 1000, float64(seen) / float64(s.N)})
	}
	return pts
}

// Summary condenses a snapshot into the percentiles a report shows.
func (s *Snapshot) Summary() LatencySummary {
	return LatencySummary{
		Count: s.N,
		Mean:  round3(s.MeanMillis()),
		P50:   round3(s.Quantile(0.50)),
		P95:   round3(s.Quantile(0.95)),
		P99:   round3(s.Quantile(0.99)),
		P999:  round3(s.Quantile(0.999)),
		Max:   round3(s.Quantile(1)),
	}
}

// LatencySummary holds percentiles in milliseconds.
type LatencySummary struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p999_ms"`
	Max   float64 `json:"max_ms"`
}

func round3(v float64) float64 {
	return float64(int64(v*1000+0.5)) / 1000
}

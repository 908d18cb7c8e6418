package stats

import (
	"math"
	"time"
)

// Bucket is one cumulative histogram bucket: how many observations were at
// most UpperBound.
type Bucket struct {
	UpperBound float64
	Count      uint64
}

// Hist is a cumulative histogram as Prometheus exposes it; the +Inf bucket
// is implied by Count.
type Hist struct {
	Buckets []Bucket
	Count   uint64
	Sum     float64
}

// Delta is what h gained since prev: the observations of one interval. A
// histogram that went backwards was reset (its process restarted), so all
// of h counts as new.
func (h Hist) Delta(prev Hist) Hist {
	if h.Count < prev.Count {
		return h
	}
	d := Hist{Buckets: make([]Bucket, len(h.Buckets)), Count: h.Count - prev.Count, Sum: h.Sum - prev.Sum}
	for i, b := range h.Buckets {
		var p uint64
		if i < len(prev.Buckets) && prev.Buckets[i].UpperBound == b.UpperBound {
			p = prev.Buckets[i].Count
		}
		if b.Count < p {
			return h
		}
		d.Buckets[i] = Bucket{UpperBound: b.UpperBound, Count: b.Count - p}
	}
	return d
}

// Quantile estimates the q-quantile (0 < q < 1) of h the way Prometheus's
// histogram_quantile does: find the bucket holding the rank and
// interpolate linearly inside it, the first bucket starting at 0. A rank
// past the last finite bound answers that bound, the most the buckets can
// tell; an empty histogram answers 0.
func (h Hist) Quantile(q float64) float64 {
	if h.Count == 0 || len(h.Buckets) == 0 || math.IsNaN(q) {
		return 0
	}
	q = min(max(q, 0), 1)
	rank := q * float64(h.Count)
	lower, below := 0.0, uint64(0)
	for _, b := range h.Buckets {
		if math.IsInf(b.UpperBound, 1) {
			break
		}
		if float64(b.Count) >= rank && b.Count > below {
			in := float64(b.Count - below)
			return lower + (b.UpperBound-lower)*(rank-float64(below))/in
		}
		lower, below = b.UpperBound, b.Count
	}
	return lower
}

// Rate is how fast a counter went from prev to cur over d, per second. A
// counter that went backwards was reset, so cur is all new.
func Rate(prev, cur float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	delta := cur - prev
	if delta < 0 {
		delta = cur
	}
	return delta / d.Seconds()
}

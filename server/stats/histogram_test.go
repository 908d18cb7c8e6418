package stats_test

import (
	"math"
	"testing"
	"time"

	"github.com/parleychat/parley/server/stats"
)

func hist(count uint64, pairs ...float64) stats.Hist {
	h := stats.Hist{Count: count}
	for i := 0; i < len(pairs); i += 2 {
		h.Buckets = append(h.Buckets, stats.Bucket{UpperBound: pairs[i], Count: uint64(pairs[i+1])})
	}
	return h
}

func TestQuantileOfDelta(t *testing.T) {
	for _, tc := range []struct {
		name      string
		prev, cur stats.Hist
		q, want   float64
		wantCount uint64
	}{
		{name: "Empty", prev: hist(0), cur: hist(0), q: 0.99, want: 0},
		{name: "NoChange", prev: hist(10, 0.1, 10, 1, 10), cur: hist(10, 0.1, 10, 1, 10), q: 0.5, want: 0},
		{name: "FirstReading", prev: stats.Hist{}, cur: hist(100, 0.1, 50, 1, 100), q: 0.5, want: 0.1, wantCount: 100},
		// 100 new observations, all in (0.1, 1]: the median is half-way.
		{name: "InterpolatesInsideBucket", prev: hist(100, 0.1, 100, 1, 100), cur: hist(200, 0.1, 100, 1, 200), q: 0.5, want: 0.55, wantCount: 100},
		// Only the last interval counts: old fast requests do not hide new slow ones.
		{name: "OnlyTheInterval", prev: hist(1000, 0.01, 1000, 0.1, 1000, 1, 1000), cur: hist(1010, 0.01, 1000, 0.1, 1000, 1, 1010), q: 0.99, want: 0.991, wantCount: 10},
		{name: "FirstBucketStartsAtZero", prev: hist(0), cur: hist(4, 0.004, 4, 0.01, 4), q: 0.5, want: 0.002, wantCount: 4},
		// Past the last finite bound the buckets only say "more than".
		{name: "BeyondLastBound", prev: hist(0), cur: hist(10, 0.5, 1, 2.5, 2), q: 0.99, want: 2.5, wantCount: 10},
		{name: "Reset", prev: hist(500, 0.1, 500, 1, 500), cur: hist(4, 0.1, 2, 1, 4), q: 0.5, want: 0.1, wantCount: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.cur.Delta(tc.prev)
			if d.Count != tc.wantCount {
				t.Errorf("count %d, want %d", d.Count, tc.wantCount)
			}
			if got := d.Quantile(tc.q); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("q%.2f = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		name            string
		prev, cur, want float64
		d               time.Duration
	}{
		{name: "Steady", prev: 100, cur: 120, d: 2 * time.Second, want: 10},
		{name: "Idle", prev: 7, cur: 7, d: 2 * time.Second, want: 0},
		{name: "Reset", prev: 100, cur: 6, d: 2 * time.Second, want: 3},
		{name: "NoTime", prev: 0, cur: 6, d: 0, want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stats.Rate(tc.prev, tc.cur, tc.d); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

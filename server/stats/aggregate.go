package stats

import (
	"slices"
	"strings"
)

// Total merges replicas into the cluster's figures: counts, rates and
// memory add up; quantiles and the 5xx rate take the worst replica's (a
// sum or mean of p99s means nothing, and the worst is what an SLO is
// about); hit rates and the 304 share are the replicas' plain mean, since
// a snapshot carries no request counts to weigh them by. Ready is whether
// every replica is.
func Total(replicas []Snapshot) Snapshot {
	t := Snapshot{HTTPP99Ms: map[string]float64{}, CacheHitRate: map[string]float64{}, Ready: len(replicas) > 0, Slow: []SlowRequest{}}
	levels := map[string]int{}
	for _, r := range replicas {
		t.Ready = t.Ready && r.Ready
		if r.At.After(t.At) {
			t.At = r.At
		}
		t.UptimeS = max(t.UptimeS, r.UptimeS)
		t.Sockets += r.Sockets
		t.SendsPerS += r.SendsPerS
		t.DeliveriesPerS += r.DeliveriesPerS
		t.DeliveryP50Ms = max(t.DeliveryP50Ms, r.DeliveryP50Ms)
		t.DeliveryP99Ms = max(t.DeliveryP99Ms, r.DeliveryP99Ms)
		t.AckP50Ms = max(t.AckP50Ms, r.AckP50Ms)
		t.AckP99Ms = max(t.AckP99Ms, r.AckP99Ms)
		for g, ms := range r.HTTPP99Ms {
			t.HTTPP99Ms[g] = max(t.HTTPP99Ms[g], ms)
		}
		t.HTTP5xxRate = max(t.HTTP5xxRate, r.HTTP5xxRate)
		for l, v := range r.CacheHitRate {
			t.CacheHitRate[l] += v
			levels[l]++
		}
		t.NotModifiedShare += r.NotModifiedShare / float64(len(replicas))
		t.DBInUse += r.DBInUse
		t.DBWaiting += r.DBWaiting
		t.CommitBatchAvg = max(t.CommitBatchAvg, r.CommitBatchAvg)
		t.HeapLiveBytes += r.HeapLiveBytes
		t.RSSBytes += r.RSSBytes
		t.Goroutines += r.Goroutines
		t.GCCPUFraction = max(t.GCCPUFraction, r.GCCPUFraction)
		t.Slow = append(t.Slow, r.Slow...)
	}
	for l, n := range levels {
		t.CacheHitRate[l] /= float64(n)
	}
	versions := make([]string, 0, len(replicas))
	for _, r := range replicas {
		if !slices.Contains(versions, r.Version) {
			versions = append(versions, r.Version)
		}
	}
	slices.Sort(versions)
	t.Version = strings.Join(versions, ",")
	slices.SortFunc(t.Slow, func(a, b SlowRequest) int { return a.At.Compare(b.At) })
	if len(t.Slow) > slowCap {
		t.Slow = t.Slow[len(t.Slow)-slowCap:]
	}
	return t
}

// Package stats builds each replica's compact snapshot of what it is doing
// (rates, latency quantiles, caches, pool, memory, slow requests) from its
// own Prometheus registry, publishes it for the other replicas, and merges
// every live replica's snapshot into the cluster's view.
package stats

import "time"

// Snapshot is one replica's figures over its last interval. Rates are per
// second, latencies in milliseconds, shares between 0 and 1; a figure
// without a series behind it stays 0.
type Snapshot struct {
	Instance         string             `json:"instance,omitempty"`
	Version          string             `json:"version"`
	UptimeS          float64            `json:"uptime_s"`
	At               time.Time          `json:"at"`
	Ready            bool               `json:"ready"`
	Sockets          float64            `json:"sockets"`
	SendsPerS        float64            `json:"sends_per_s"`
	DeliveriesPerS   float64            `json:"deliveries_per_s"`
	DeliveryP50Ms    float64            `json:"delivery_p50_ms"`
	DeliveryP99Ms    float64            `json:"delivery_p99_ms"`
	AckP50Ms         float64            `json:"ack_p50_ms"`
	AckP99Ms         float64            `json:"ack_p99_ms"`
	HTTPP99Ms        map[string]float64 `json:"http_p99_ms"`
	HTTP5xxRate      float64            `json:"http_5xx_rate"`
	CacheHitRate     map[string]float64 `json:"cache_hit_rate"`
	NotModifiedShare float64            `json:"not_modified_share"`
	DBInUse          float64            `json:"db_in_use"`
	DBWaiting        float64            `json:"db_waiting"`
	CommitBatchAvg   float64            `json:"commit_batch_avg"`
	HeapLiveBytes    float64            `json:"heap_live_bytes"`
	RSSBytes         float64            `json:"rss_bytes"`
	Goroutines       float64            `json:"goroutines"`
	GCCPUFraction    float64            `json:"gc_cpu_fraction"`
	Slow             []SlowRequest      `json:"slow"`
}

// SlowRequest is one request that took longer than SlowThreshold or
// answered a 5xx.
type SlowRequest struct {
	At     time.Time `json:"at"`
	Method string    `json:"method"`
	Route  string    `json:"route"`
	Status int       `json:"status"`
	Ms     float64   `json:"ms"`
}

// SLO is the service level the dashboard draws its lines at and the
// alerting rules fire on.
type SLO struct {
	DeliveryP99Ms float64 `json:"delivery_p99_ms"`
	HTTPP99Ms     float64 `json:"http_p99_ms"`
	HTTP5xxRate   float64 `json:"http_5xx_rate"`
}

// DefaultSLO is Parley's promise: deliveries within 250 ms and API answers
// within 200 ms for 99% of them, and at most one request in 4,000 failing.
var DefaultSLO = SLO{DeliveryP99Ms: 250, HTTPP99Ms: 200, HTTP5xxRate: 0.00025}

// Cluster is every live replica's snapshot and their total.
type Cluster struct {
	Replicas []Snapshot `json:"replicas"`
	Total    Snapshot   `json:"total"`
	SLO      SLO        `json:"slo"`
}

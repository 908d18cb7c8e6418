package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Store shares the replicas' snapshots: in process for one replica, in
// Valkey for many.
type Store interface {
	// Publish stores one replica's encoded snapshot for ttl, replacing
	// its previous one.
	Publish(ctx context.Context, instance string, snapshot []byte, ttl time.Duration) error
	// List returns every snapshot published less than its ttl ago.
	List(ctx context.Context) ([][]byte, error)
}

// Default timings: a snapshot every 2 s, gone 10 s after its replica
// stopped publishing.
const (
	DefaultInterval = 2 * time.Second
	DefaultTTL      = 10 * time.Second
)

// Options configure a Publisher.
type Options struct {
	Gatherer prometheus.Gatherer
	Store    Store
	Instance string
	// Version is BuildVersion() when empty.
	Version string
	// Ready reports whether this replica takes work (false once it
	// drains); nil means always. A critical parley_dependency_up at 0 in
	// the registry makes it unready too. It should be cheap: it runs at
	// every tick.
	Ready func(ctx context.Context) bool
	// Slow is fed by the web layer; nil keeps an empty list.
	Slow     *SlowLog
	Series   Series
	Interval time.Duration
	TTL      time.Duration
	Logger   *slog.Logger
}

// Publisher builds this replica's snapshot every interval and publishes
// it, and reads everybody's for the cluster view.
type Publisher struct {
	o       Options
	builder *Builder

	mu   sync.Mutex
	last *Snapshot
}

// NewPublisher prepares a Publisher; Run starts it.
func NewPublisher(o Options) *Publisher {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Ready == nil {
		o.Ready = func(context.Context) bool { return true }
	}
	return &Publisher{o: o, builder: NewBuilder(o.Gatherer, o.Instance, o.Version, o.Series, o.Slow)}
}

// Run publishes a snapshot every interval until ctx ends. A failed
// publish is retried at the next tick: the dashboard then misses this
// replica for a moment, nothing else does.
func (p *Publisher) Run(ctx context.Context) error {
	t := time.NewTicker(p.o.Interval)
	defer t.Stop()
	failing := false
	for {
		// The first tick is at once, so that a replica shows up as soon
		// as it starts.
		err := p.Tick(ctx)
		switch {
		case ctx.Err() != nil:
		case err != nil && !failing:
			// Once per outage, not every 2 s while the store is away.
			p.o.Logger.Warn("publish stats: this replica is missing from the dashboard until it recovers", "err", err)
			failing = true
		case err == nil && failing:
			p.o.Logger.Info("publish stats: recovered")
			failing = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick builds and publishes one snapshot: one gather, one round trip.
func (p *Publisher) Tick(ctx context.Context) error {
	readyCtx, cancel := context.WithTimeout(ctx, p.o.Interval/2)
	ready := p.o.Ready(readyCtx)
	cancel()
	s, err := p.builder.Build(time.Now(), ready)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.last = &s
	p.mu.Unlock()
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("stats: encode snapshot: %w", err)
	}
	if err := p.o.Store.Publish(ctx, p.o.Instance, b, p.o.TTL); err != nil {
		return fmt.Errorf("stats: publish: %w", err)
	}
	return nil
}

// Cluster reads every live replica's snapshot, sorted by instance, and
// their total. When the store cannot be read this replica's own latest
// snapshot still answers, so the dashboard shows something during an
// outage of the shared store.
func (p *Publisher) Cluster(ctx context.Context) (Cluster, error) {
	raw, err := p.o.Store.List(ctx)
	if err != nil {
		p.o.Logger.Warn("list stats", "err", err)
	}
	replicas := make([]Snapshot, 0, len(raw)+1)
	for _, b := range raw {
		var s Snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			p.o.Logger.Warn("decode a replica's stats", "err", err)
			continue
		}
		replicas = append(replicas, s)
	}
	p.mu.Lock()
	last := p.last
	p.mu.Unlock()
	if last != nil && !slices.ContainsFunc(replicas, func(s Snapshot) bool { return s.Instance == last.Instance }) {
		replicas = append(replicas, *last)
	}
	slices.SortFunc(replicas, func(a, b Snapshot) int { return strings.Compare(a.Instance, b.Instance) })
	for i := range replicas {
		if replicas[i].Slow == nil {
			replicas[i].Slow = []SlowRequest{}
		}
	}
	total := Total(replicas)
	return Cluster{Replicas: replicas, Total: total, SLO: DefaultSLO}, nil
}

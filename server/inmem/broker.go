// Package inmem holds the in-process implementations of Parley's shared
// services: the broker and presence of package hub, the cache of package
// cache, and the limiter and backoff of package ratelimit. They are the
// default for a single replica, and the broker is a way to run several hubs
// in one process. Package valkeystore has their counterparts for a cluster;
// each interface has one conformance suite that both run.
package inmem

import (
	"context"
	"errors"
	"sync"
)

// Bus connects brokers in one process, as Valkey connects those of a
// cluster.
type Bus struct {
	mu      sync.RWMutex
	brokers map[*Broker]struct{}
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{brokers: make(map[*Broker]struct{})} }

// Broker returns a new broker on the bus.
func (b *Bus) Broker() *Broker {
	br := &Broker{bus: b, topics: make(map[string]struct{})}
	b.mu.Lock()
	b.brokers[br] = struct{}{}
	b.mu.Unlock()
	return br
}

// Broker is an in-process publish/subscribe broker. Publish delivers
// synchronously, in the publisher's goroutine, to every running broker of
// the bus subscribed to the topic.
type Broker struct {
	bus     *Bus
	mu      sync.RWMutex
	topics  map[string]struct{}
	deliver func(topic string, payload []byte)
}

// NewBroker returns a broker alone on its own bus: one replica.
func NewBroker() *Broker { return NewBus().Broker() }

// Publish hands payload to every subscriber of topic.
func (b *Broker) Publish(ctx context.Context, topic string, payload []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.bus.mu.RLock()
	defer b.bus.mu.RUnlock()
	for br := range b.bus.brokers {
		br.mu.RLock()
		_, ok := br.topics[topic]
		deliver := br.deliver
		br.mu.RUnlock()
		if ok && deliver != nil {
			deliver(topic, payload)
		}
	}
	return nil
}

// Subscribe starts receiving topics.
func (b *Broker) Subscribe(_ context.Context, topics ...string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range topics {
		b.topics[t] = struct{}{}
	}
	return nil
}

// Unsubscribe stops receiving topics.
func (b *Broker) Unsubscribe(_ context.Context, topics ...string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range topics {
		delete(b.topics, t)
	}
	return nil
}

// Run delivers published payloads to deliver until ctx ends. It calls
// connected once, when delivery starts: in one process nothing can cut it
// off afterwards.
func (b *Broker) Run(ctx context.Context, deliver func(topic string, payload []byte), connected func()) error {
	b.mu.Lock()
	b.deliver = deliver
	b.mu.Unlock()
	if connected != nil {
		connected()
	}
	<-ctx.Done()
	b.mu.Lock()
	b.deliver = nil
	b.mu.Unlock()
	return nil
}

// Check reports whether Run is delivering; nothing outside the process can
// fail.
func (b *Broker) Check(context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.deliver == nil {
		return errors.New("inmem: broker not running")
	}
	return nil
}

// Package valkeystore holds the Valkey (or Redis) implementations of
// Parley's shared services, through valkey-go, for a cluster of replicas:
// the broker and presence of package hub, the cache of package cache, and
// the limiter and backoff of package ratelimit. Package inmem has their
// in-process counterparts; each interface has one conformance suite that
// both run.
package valkeystore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/valkey-io/valkey-go"
)

// Broker is a publish/subscribe broker over Valkey. Each topic is one
// channel, prefixed with the deployment's key prefix. It receives on one
// dedicated connection, subscribes and unsubscribes on it as topics come
// and go, and after losing it reconnects and subscribes everything again by
// itself. Messages published while it is down are lost: clients catch up
// from the store by resuming.
type Broker struct {
	client valkey.Client
	prefix string
	log    *slog.Logger

	// cmdMu orders (un)subscribe commands so they reach Valkey in the order
	// the wanted set changed.
	cmdMu sync.Mutex
	mu    sync.Mutex
	want  map[string]struct{}
	dc    valkey.DedicatedClient
	down  error
}

// NewBroker returns a broker over client; prefix (e.g. "parley:") starts
// every channel name.
func NewBroker(client valkey.Client, prefix string, log *slog.Logger) *Broker {
	if log == nil {
		log = slog.Default()
	}
	return &Broker{
		client: client,
		prefix: prefix,
		log:    log,
		want:   make(map[string]struct{}),
		down:   errors.New("valkeystore: broker not running"),
	}
}

// Publish sends payload on topic's channel.
func (b *Broker) Publish(ctx context.Context, topic string, payload []byte) error {
	cmd := b.client.B().Publish().Channel(b.prefix + topic).Message(valkey.BinaryString(payload)).Build()
	if err := b.client.Do(ctx, cmd).Error(); err != nil {
		return fmt.Errorf("valkeystore: publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe adds topics to the wanted set and subscribes to them now if
// the receiving connection is up, else when it comes back. A failure of the
// connection is logged, not returned: the reconnect applies the set.
func (b *Broker) Subscribe(ctx context.Context, topics ...string) error {
	return b.change(ctx, topics, true)
}

// Unsubscribe removes topics from the wanted set and unsubscribes.
func (b *Broker) Unsubscribe(ctx context.Context, topics ...string) error {
	return b.change(ctx, topics, false)
}

func (b *Broker) change(ctx context.Context, topics []string, on bool) error {
	if len(topics) == 0 {
		return nil
	}
	b.cmdMu.Lock()
	defer b.cmdMu.Unlock()
	chans := make([]string, len(topics))
	b.mu.Lock()
	for i, t := range topics {
		chans[i] = b.prefix + t
		if on {
			b.want[t] = struct{}{}
		} else {
			delete(b.want, t)
		}
	}
	dc := b.dc
	b.mu.Unlock()
	if dc == nil {
		return nil
	}
	var cmd valkey.Completed
	if on {
		cmd = dc.B().Subscribe().Channel(chans...).Build()
	} else {
		cmd = dc.B().Unsubscribe().Channel(chans...).Build()
	}
	if err := dc.Do(ctx, cmd).Error(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("valkeystore: subscription change: %w", err)
		}
		b.log.Warn("valkeystore: subscription change deferred to reconnect", "err", err)
	}
	return nil
}

// Run receives until ctx ends, reconnecting with backoff whenever the
// receiving connection breaks. deliver runs on the connection's reader and
// must not call the broker. connected, if set, is called each time the
// receiving connection is up with every wanted topic subscribed: whatever
// was published while it was down is lost, and the caller may want to
// check what it missed.
func (b *Broker) Run(ctx context.Context, deliver func(topic string, payload []byte), connected func()) error {
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		start := time.Now()
		err := b.session(ctx, deliver, connected)
		b.setDown(err)
		if ctx.Err() != nil {
			break
		}
		b.log.Warn("valkeystore: pub/sub connection lost; reconnecting", "err", err)
		if time.Since(start) > 5*time.Second {
			backoff = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
	b.setDown(errors.New("valkeystore: broker stopped"))
	return nil
}

func (b *Broker) setDown(err error) {
	if err == nil {
		err = errors.New("valkeystore: pub/sub connection closed")
	}
	b.mu.Lock()
	b.dc = nil
	b.down = err
	b.mu.Unlock()
}

// session runs one receiving connection until it breaks or ctx ends.
func (b *Broker) session(ctx context.Context, deliver func(string, []byte), connected func()) error {
	dc, release := b.client.Dedicate()
	defer release()
	wait := dc.SetPubSubHooks(valkey.PubSubHooks{
		OnMessage: func(m valkey.PubSubMessage) {
			deliver(strings.TrimPrefix(m.Channel, b.prefix), []byte(m.Message))
		},
	})
	if err := b.resubscribe(ctx, dc); err != nil {
		dc.SetPubSubHooks(valkey.PubSubHooks{})
		return err
	}
	if connected != nil {
		connected()
	}
	select {
	case err := <-wait:
		return err
	case <-ctx.Done():
		b.mu.Lock()
		b.dc = nil
		b.mu.Unlock()
		dc.SetPubSubHooks(valkey.PubSubHooks{})
		return nil
	}
}

// resubscribe makes dc the receiving connection and subscribes it to every
// wanted topic, under cmdMu so no change slips between the two.
func (b *Broker) resubscribe(ctx context.Context, dc valkey.DedicatedClient) error {
	b.cmdMu.Lock()
	defer b.cmdMu.Unlock()
	b.mu.Lock()
	chans := make([]string, 0, len(b.want)+1)
	for t := range b.want {
		chans = append(chans, b.prefix+t)
	}
	b.mu.Unlock()
	// An empty subscription set would not prove the connection works.
	chans = append(chans, b.prefix+"_alive")
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for len(chans) > 0 {
		n := min(len(chans), 1000)
		if err := dc.Do(sctx, dc.B().Subscribe().Channel(chans[:n]...).Build()).Error(); err != nil {
			return fmt.Errorf("valkeystore: subscribe: %w", err)
		}
		chans = chans[n:]
	}
	b.mu.Lock()
	b.dc = dc
	b.down = nil
	b.mu.Unlock()
	return nil
}

// Check reports whether the receiving connection is up and Valkey answers.
func (b *Broker) Check(ctx context.Context) error {
	b.mu.Lock()
	down := b.down
	b.mu.Unlock()
	if down != nil {
		return down
	}
	if err := b.client.Do(ctx, b.client.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("valkeystore: ping: %w", err)
	}
	return nil
}

// Package hubtest holds tests shared by every implementation of the hub's
// interfaces (Broker, Presence), so that the in-process and Valkey ones
// behave alike.
package hubtest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/hub"
)

// Recorder collects what a broker delivers.
type Recorder struct {
	mu        sync.Mutex
	got       []Delivery
	connected int
	wake      chan struct{}
}

// Delivery is one payload received on a topic.
type Delivery struct {
	Topic   string
	Payload []byte
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{wake: make(chan struct{}, 1)} }

// Deliver is the callback to hand to Broker.Run.
func (r *Recorder) Deliver(topic string, payload []byte) {
	r.mu.Lock()
	r.got = append(r.got, Delivery{Topic: topic, Payload: bytes.Clone(payload)})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Connected is the callback to hand to Broker.Run: it counts the times the
// broker started receiving.
func (r *Recorder) Connected() {
	r.mu.Lock()
	r.connected++
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// WaitConnected waits until the broker said it started receiving n times.
func (r *Recorder) WaitConnected(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		got := r.connected
		r.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-r.wake:
		case <-deadline:
			tb.Fatalf("broker connected %d times within %v, want %d", got, timeout, n)
		}
	}
}

// WaitFor waits until n deliveries arrived and returns them all.
func (r *Recorder) WaitFor(tb testing.TB, n int, timeout time.Duration) []Delivery {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		got := append([]Delivery(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.wake:
		case <-deadline:
			tb.Fatalf("got %d deliveries within %v, want %d", len(got), timeout, n)
		}
	}
}

// RunBroker runs b with a new recorder until the test ends.
func RunBroker(tb testing.TB, b hub.Broker) *Recorder {
	tb.Helper()
	rec := NewRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx, rec.Deliver, rec.Connected); err != nil {
			tb.Errorf("broker run: %v", err)
		}
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	return rec
}

// WaitHealthy waits until b.Check succeeds.
func WaitHealthy(tb testing.TB, b hub.Broker, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := b.Check(context.Background())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("broker not healthy after %v: %v", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBroker checks the behaviour the hub relies on. newPair returns two
// brokers that share one transport, like two replicas; each call must
// return a fresh, isolated pair.
func TestBroker(t *testing.T, newPair func(t *testing.T) (a, b hub.Broker)) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		a, b := newPair(t)
		ra, rb := RunBroker(t, a), RunBroker(t, b)
		WaitHealthy(t, a, 5*time.Second)
		WaitHealthy(t, b, 5*time.Second)
		// The hub re-checks what it may have missed on every connect.
		ra.WaitConnected(t, 1, 5*time.Second)
		mustSub(t, a, "room:1")
		mustSub(t, b, "room:2")
		mustPub(t, b, "room:1", []byte("\x00binary\xffpayload"))
		mustPub(t, a, "room:2", []byte("to b"))
		got := ra.WaitFor(t, 1, 5*time.Second)
		if got[0].Topic != "room:1" || string(got[0].Payload) != "\x00binary\xffpayload" {
			t.Fatalf("a got %+v, want room:1 binary payload", got[0])
		}
		if got := rb.WaitFor(t, 1, 5*time.Second); got[0].Topic != "room:2" || string(got[0].Payload) != "to b" {
			t.Fatalf("b got %+v, want room:2 \"to b\"", got[0])
		}
	})
	t.Run("InOrder", func(t *testing.T) {
		a, b := newPair(t)
		ra := RunBroker(t, a)
		RunBroker(t, b)
		WaitHealthy(t, a, 5*time.Second)
		mustSub(t, a, "room:7")
		const n = 200
		for i := range n {
			mustPub(t, b, "room:7", fmt.Appendf(nil, "%d", i))
		}
		got := ra.WaitFor(t, n, 5*time.Second)
		for i, d := range got {
			if want := fmt.Sprint(i); string(d.Payload) != want {
				t.Fatalf("delivery %d = %q, want %q", i, d.Payload, want)
			}
		}
	})
	t.Run("Unsubscribe", func(t *testing.T) {
		a, b := newPair(t)
		ra := RunBroker(t, a)
		RunBroker(t, b)
		WaitHealthy(t, a, 5*time.Second)
		mustSub(t, a, "room:1", "room:2")
		if err := a.Unsubscribe(ctx, "room:1"); err != nil {
			t.Fatalf("unsubscribe: %v", err)
		}
		mustPub(t, b, "room:1", []byte("gone"))
		mustPub(t, b, "room:2", []byte("marker"))
		got := ra.WaitFor(t, 1, 5*time.Second)
		time.Sleep(50 * time.Millisecond)
		got = ra.WaitFor(t, 1, time.Second)
		if len(got) != 1 || string(got[0].Payload) != "marker" {
			t.Fatalf("got %+v, want only the marker", got)
		}
	})
	t.Run("UnsubscribedTopic", func(t *testing.T) {
		a, b := newPair(t)
		ra := RunBroker(t, a)
		RunBroker(t, b)
		WaitHealthy(t, a, 5*time.Second)
		mustSub(t, a, "room:3")
		mustPub(t, b, "room:4", []byte("not for a"))
		mustPub(t, b, "room:3", []byte("for a"))
		got := ra.WaitFor(t, 1, 5*time.Second)
		time.Sleep(50 * time.Millisecond)
		got = ra.WaitFor(t, 1, time.Second)
		if len(got) != 1 || string(got[0].Payload) != "for a" {
			t.Fatalf("got %+v, want only \"for a\"", got)
		}
	})
}

func mustSub(tb testing.TB, b hub.Broker, topics ...string) {
	tb.Helper()
	if err := b.Subscribe(context.Background(), topics...); err != nil {
		tb.Fatalf("subscribe %v: %v", topics, err)
	}
}

func mustPub(tb testing.TB, b hub.Broker, topic string, payload []byte) {
	tb.Helper()
	if err := b.Publish(context.Background(), topic, payload); err != nil {
		tb.Fatalf("publish %s: %v", topic, err)
	}
}

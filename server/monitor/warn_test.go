package monitor

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// syncBuffer is a log destination that the race detector accepts.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), sub)
}

// Memory above the threshold on every tick warns once, then again only
// when a minute has passed on the sampler's clock.
func TestWarnAtMostOncePerMinute(t *testing.T) {
	var logs syncBuffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Options{
		Registerer: prometheus.NewRegistry(),
		Logger:     slog.New(slog.NewJSONHandler(&logs, nil)),
		Warn:       Threshold{Bytes: 1}, // anything is above one byte
		Now:        func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	const msg = "memory above PARLEY_MEMORY_WARN"
	for _, step := range []struct {
		after time.Duration
		want  int
	}{{0, 1}, {time.Second, 1}, {30 * time.Second, 1}, {28 * time.Second, 1}, {time.Second, 2}, {59 * time.Second, 2}, {time.Minute, 3}} {
		now = now.Add(step.after)
		s.tick()
		if got := logs.count(msg); got != step.want {
			t.Fatalf("after +%v: %d warnings, want %d; logs:\n%s", step.after, got, step.want, logs.b.String())
		}
	}
	for _, field := range []string{`"heap_live_bytes"`, `"heap_total_bytes"`, `"rss_bytes"`, `"goroutines"`, `"sockets"`, `"bytes_per_socket"`} {
		if logs.count(field) == 0 {
			t.Errorf("warning lacks %s", field)
		}
	}
}

// Below the threshold nothing is logged.
func TestNoWarnBelowThreshold(t *testing.T) {
	var logs syncBuffer
	s, err := New(Options{Registerer: prometheus.NewRegistry(), Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Warn: Threshold{Bytes: 1 << 50}})
	if err != nil {
		t.Fatal(err)
	}
	s.tick()
	if logs.count("PARLEY_MEMORY_WARN") != 0 {
		t.Fatalf("warned below the threshold: %s", logs.b.String())
	}
}

// The heap series follow allocation: holding 64 MiB raises the total heap
// by about that much.
func TestHeapMovesWithAllocation(t *testing.T) {
	reg := prometheus.NewRegistry()
	s, err := New(Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	before := s.tick()
	hold := make([][]byte, 64)
	for i := range hold {
		hold[i] = make([]byte, 1<<20)
		hold[i][0] = 1
	}
	after := s.tick()
	if after.HeapTotal < before.HeapTotal+32<<20 {
		t.Fatalf("heap total %d -> %d after holding 64 MiB", before.HeapTotal, after.HeapTotal)
	}
	if after.RSS == 0 || after.Goroutines == 0 {
		t.Fatalf("no RSS or goroutines: %+v", after)
	}
	if gauge(t, reg, "parley_memory_heap_total_bytes") != float64(after.HeapTotal) {
		t.Fatal("the exported heap total is not the sampled one")
	}
	_ = hold[63][0]
}

func gauge(t *testing.T, g prometheus.Gatherer, name string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && mf.GetType() == dto.MetricType_GAUGE {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no gauge %s", name)
	return 0
}

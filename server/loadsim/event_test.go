package loadsim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

func TestFastMessage(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		at := time.Unix(1700000000, 123456789)
		body := loadsim.MessageBody(at, 42, 150)
		if len(body) != 150 {
			t.Fatalf("body length %d, want 150", len(body))
		}
		frame := `{"type":"message","message":{"id":9,"room_id":7,"seq":31,"user":{"id":3,"username":"a"},"body":"` + body + `","client_id":"x","created_at":"2026-01-01T00:00:00Z","deleted":false}}`
		room, seq, sent, ok := loadsim.FastMessage([]byte(frame))
		if !ok || room != 7 || seq != 31 || !sent.Equal(at) {
			t.Fatalf("got room %d seq %d sent %v ok %v, want 7 31 %v true", room, seq, sent, ok, at)
		}
		if got := loadsim.SentAt(body); !got.Equal(at) {
			t.Fatalf("SentAt = %v, want %v", got, at)
		}
	})
	t.Run("ErrOtherShape", func(t *testing.T) {
		for _, f := range []string{
			`{"type":"ack","client_id":"x","message":{"room_id":7,"seq":1}}`,
			`{"message":{"room_id":7,"seq":1},"type":"message"}`,
			`{"type":"message","message":{"room_id":7}}`,
		} {
			if _, _, _, ok := loadsim.FastMessage([]byte(f)); ok {
				t.Fatalf("fast path accepted %s", f)
			}
		}
		if got := loadsim.SentAt("edited"); !got.IsZero() {
			t.Fatalf("SentAt of a plain body = %v, want zero", got)
		}
	})
}

func TestCheckLoopback(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://127.3.4.5", "http://[::1]:80"} {
			if err := loadsim.CheckLoopback(u); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
	})
	t.Run("ErrRemote", func(t *testing.T) {
		for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "ftp://127.0.0.1", "http://0.0.0.0:80"} {
			if err := loadsim.CheckLoopback(u); err == nil {
				t.Fatalf("%s accepted", u)
			}
		}
	})
}

func TestParseMetrics(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		text := `# HELP process_cpu_seconds_total x
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
process_resident_memory_bytes 1.048576e+08
parley_ws_connections 200
parley_cache_requests_total{level="l1",kind="room",result="hit"} 90
parley_cache_requests_total{level="l1",kind="room",result="miss"} 10
parley_cache_requests_total{level="l2",kind="room",result="hit"} 6
parley_cache_requests_total{level="l2",kind="room",result="miss"} 4
parley_cache_hits_total{kind="user"} 5
parley_cache_latency_seconds_bucket{le="0.1",result="hit"} 999
`
		m, _, err := loadsim.ParseMetrics(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]float64{
			"process_cpu_seconds_total": 12.5, "process_resident_memory_bytes": 104857600,
			"parley_ws_connections": 200, "cache_hits:l1": 90, "cache_misses:l1": 10,
			"cache_hits:l2": 6, "cache_misses:l2": 4, "cache_hits:": 5,
		} {
			if got := m[k]; got != want {
				t.Fatalf("%s = %v, want %v", k, got, want)
			}
		}
	})
}

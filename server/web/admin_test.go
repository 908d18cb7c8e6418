package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/stats"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/web"
)

// newAdminEnv is a server whose one admin is the returned username, with
// the dashboard's figures built from the server's own registry.
func newAdminEnv(t *testing.T) (*testEnv, string, *stats.Publisher) {
	t.Helper()
	_, store := testenv.Open(t)
	a := app.New(app.Options{Users: store, Sessions: store, Rooms: store, Messages: store, Passwords: cheapPasswords})
	reg := prometheus.NewRegistry()
	slow := &stats.SlowLog{}
	pub := stats.NewPublisher(stats.Options{Gatherer: reg, Store: inmem.NewStats(), Instance: "test", Slow: slow})
	admin := fmt.Sprintf("boss%d", userSeq.Add(1))
	srv, err := web.New(web.Options{App: a, Instance: "test", Registry: reg,
		Admins: []string{"Somebody", admin}, Cluster: pub, OnRequest: slow.Observe})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return &testEnv{t: t, srv: srv}, admin, pub
}

func TestAdminCluster(t *testing.T) {
	e, adminName, pub := newAdminEnv(t)
	res := e.expect(req{method: "POST", path: "/api/v1/auth/register", body: map[string]string{"username": adminName, "password": "correct horse"}}, 201)
	var reg struct {
		Token string `json:"token"`
	}
	res.decode(t, &reg)
	other := e.signUp("member")
	// Traffic, so that the snapshot has HTTP figures to show.
	e.expect(req{method: "GET", path: "/api/v1/me", token: other.token}, 200)
	if err := pub.Tick(context.Background()); err != nil {
		t.Fatalf("tick: %v", err)
	}

	t.Run("ErrAnonymous", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/admin/cluster"}, 404)
		if got := res.errorCode(t); got != "not_found" {
			t.Fatalf("code %q, want not_found", got)
		}
	})
	t.Run("ErrBadToken", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/admin/cluster", token: "made-up"}, 404)
		if got := res.errorCode(t); got != "not_found" {
			t.Fatalf("code %q, want not_found", got)
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/admin/cluster", token: other.token}, 404)
		if got := res.errorCode(t); got != "not_found" {
			t.Fatalf("code %q, want not_found", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		res := e.expect(req{method: "GET", path: "/api/v1/admin/cluster", token: reg.Token}, 200)
		if cc := res.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		var body map[string]any
		res.decode(t, &body)
		replicas, _ := body["replicas"].([]any)
		if len(replicas) != 1 {
			t.Fatalf("replicas %v, want this one", body["replicas"])
		}
		r := replicas[0].(map[string]any)
		if r["instance"] != "test" || r["ready"] != true {
			t.Errorf("replica %v, want instance test, ready", r)
		}
		for _, k := range snapshotKeys {
			if _, ok := r[k]; !ok {
				t.Errorf("replica lacks %q", k)
			}
		}
		total, _ := body["total"].(map[string]any)
		if _, ok := total["instance"]; ok {
			t.Errorf("total names an instance: %v", total)
		}
		for _, k := range snapshotKeys {
			if _, ok := total[k]; !ok {
				t.Errorf("total lacks %q", k)
			}
		}
		slo, _ := body["slo"].(map[string]any)
		if slo["delivery_p99_ms"] != 250.0 || slo["http_p99_ms"] != 200.0 || slo["http_5xx_rate"] != 0.00025 {
			t.Errorf("slo %v", slo)
		}
		// The requests above were timed, so the API's group has a figure.
		groups, _ := r["http_p99_ms"].(map[string]any)
		if v, _ := groups["api"].(float64); v <= 0 {
			t.Errorf("http_p99_ms %v, want the api group above 0", groups)
		}
	})
}

// snapshotKeys are the fields of the shared contract's snapshot.
var snapshotKeys = []string{"version", "uptime_s", "at", "ready", "sockets", "sends_per_s", "deliveries_per_s",
	"delivery_p50_ms", "delivery_p99_ms", "ack_p50_ms", "ack_p99_ms", "http_p99_ms", "http_5xx_rate",
	"cache_hit_rate", "not_modified_share", "db_in_use", "db_waiting", "commit_batch_avg", "heap_live_bytes",
	"rss_bytes", "goroutines", "gc_cpu_fraction", "slow"}

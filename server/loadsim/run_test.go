package loadsim_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
	"github.com/parleychat/parley/server/loadsim/launch"
	"github.com/parleychat/parley/server/testenv"
)

// TestMain removes the parley binary startServer builds.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// startServer starts the real parley binary on a fresh database through
// launch, as parley-load --start-server does.
func startServer(tb testing.TB) *launch.Server {
	tb.Helper()
	logPath := filepath.Join(tb.TempDir(), "server.log")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := launch.Start(ctx, launch.Options{
		Binary: testenv.Parley(tb), AdminURL: testenv.AdminURL(), LogPath: logPath,
		Env: []string{"PARLEY_ARGON2_MEMORY_KIB=1024", "PARLEY_ARGON2_TIME=1", "PARLEY_AUTH_RATE=0", "PARLEY_DB_MAX_OPEN=5", "PARLEY_DB_MAX_IDLE=5"},
	})
	if err != nil {
		tb.Fatalf("start parley: %v", err)
	}
	tb.Cleanup(func() {
		if err := srv.Stop(context.Background()); err != nil {
			tb.Errorf("stop parley: %v", err)
		}
		if tb.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				tb.Logf("server log (tail):\n%s", tail(b, 3000))
			}
		}
	})
	return srv
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func TestRun(t *testing.T) {
	srv := startServer(t)
	t.Run("OK", func(t *testing.T) {
		var log bytes.Buffer
		cfg := loadsim.Defaults()
		cfg.Name, cfg.Target, cfg.ServerPIDs = "test", srv.URL, []int{srv.PID}
		cfg.Users, cfg.RampRate, cfg.Duration, cfg.Drain = 30, 30, 4*time.Second, 3*time.Second
		cfg.Profile, cfg.ChattyRate, cfg.RoomSizes = loadsim.ProfileChatty, 30, []int{10}
		cfg.UserPrefix, cfg.Progress, cfg.Log = "rt", time.Second, &log
		cfg.MaxTime = time.Minute
		// Correctness, not speed: a busy machine may stretch the latencies.
		cfg.SLO.DeliveryP99, cfg.SLO.HTTPP99 = 0, 0
		res, err := loadsim.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
		if !res.Pass {
			t.Fatalf("run failed: %v\n%s\n%s", res.Failures, res.Markdown(), log.String())
		}
		if got, want := res.Users.Ready, 30; got != want {
			t.Fatalf("ready users %d, want %d", got, want)
		}
		m := res.Messages
		if m.Acked < 50 || m.Expected < 10*m.Acked/2 || m.Lost != 0 || m.Duplicated != 0 {
			t.Fatalf("messages %+v: want ≥ 50 acked, each checked at ~10 receivers, none lost or duplicated", m)
		}
		if res.Delivery.Count == 0 || res.Delivery.P99 <= 0 {
			t.Fatalf("no delivery latency measured: %+v", res.Delivery)
		}
		if res.Server.RSSEndMB <= 0 || res.Server.Source != "proc" {
			t.Fatalf("server sample %+v, want RSS from /proc", res.Server)
		}
		dir := t.TempDir()
		if err := res.WriteFiles(dir); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"result.json", "summary.md", "latency.svg"} {
			if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
				t.Fatalf("%s not written: %v", f, err)
			}
		}
	})
	t.Run("OKSoakSamples", func(t *testing.T) {
		// The soak series come from the real server: RSS from /proc and
		// goroutines from its /metrics, once a second over the steady phase.
		var log bytes.Buffer
		cfg := loadsim.Defaults()
		cfg.Name, cfg.Target, cfg.ServerPIDs = "soak", srv.URL, []int{srv.PID}
		cfg.Users, cfg.RampRate, cfg.Duration, cfg.Drain = 20, 40, 8*time.Second, 2*time.Second
		cfg.Profile, cfg.ChattyRate, cfg.RoomSizes = loadsim.ProfileChatty, 20, []int{10}
		cfg.UserPrefix, cfg.Progress, cfg.Log = "rs", time.Second, &log
		cfg.MaxTime = time.Minute
		cfg.SLO.DeliveryP99, cfg.SLO.HTTPP99 = 0, 0
		// Limits no real server breaks in 8 s: this checks the sampling.
		cfg.Soak = loadsim.Soak{Every: time.Second, RSSSlopeMB: 1e6, GoroutineSlope: 1e6}
		res, err := loadsim.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
		if !res.Pass {
			t.Fatalf("run failed: %v\n%s", res.Failures, log.String())
		}
		s := res.Soak
		if s == nil || len(s.Samples) < 6 || !s.HasGoroutines {
			t.Fatalf("soak result %+v: want ≥ 6 samples with goroutines", s)
		}
		for _, p := range s.Samples {
			if p.RSSMB <= 0 || p.Goroutines < float64(cfg.Users) {
				t.Fatalf("sample %+v: want RSS and at least a goroutine per socket", p)
			}
		}
		dir := t.TempDir()
		if err := res.WriteFiles(dir); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(filepath.Join(dir, "soak.svg")); err != nil || st.Size() == 0 {
			t.Fatalf("soak.svg not written: %v", err)
		}
	})
	t.Run("OKReconnects", func(t *testing.T) {
		// Sockets drop and reconnect with their resume point while
		// everybody chats: nothing is lost, repeated or out of order.
		var log bytes.Buffer
		cfg := loadsim.Defaults()
		cfg.Name, cfg.Target, cfg.ServerPIDs = "reconnects", srv.URL, []int{srv.PID}
		cfg.Users, cfg.RampRate, cfg.Duration, cfg.Drain = 30, 30, 6*time.Second, 3*time.Second
		cfg.Profile, cfg.ChattyRate, cfg.ChattyReconnects, cfg.RoomSizes = loadsim.ProfileChatty, 150, 6, []int{30}
		cfg.UserPrefix, cfg.Progress, cfg.Log = "rr", time.Second, &log
		cfg.MaxTime = time.Minute
		// Correctness, not speed: a busy machine may stretch the latencies.
		cfg.SLO.DeliveryP99, cfg.SLO.HTTPP99 = 0, 0
		res, err := loadsim.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
		m := res.Messages
		if res.WS.Planned < 10 {
			t.Fatalf("%d planned reconnects, want ≥ 10", res.WS.Planned)
		}
		if m.Acked < 100 || m.Lost != 0 || m.Duplicated != 0 || m.OutOfOrder != 0 {
			t.Fatalf("messages %+v: want ≥ 100 acked and none lost, duplicated or out of order across %d reconnects", m, res.WS.Planned)
		}
		if !res.Pass {
			t.Fatalf("run failed: %v\n%s\n%s", res.Failures, res.Markdown(), log.String())
		}
	})
	t.Run("ErrRemoteTarget", func(t *testing.T) {
		cfg := loadsim.Defaults()
		cfg.Target = "http://192.0.2.1:8080"
		if _, err := loadsim.Run(context.Background(), cfg); err == nil {
			t.Fatal("a non-loopback target was accepted")
		}
	})
}

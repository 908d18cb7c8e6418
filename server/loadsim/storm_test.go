package loadsim_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
	"github.com/parleychat/parley/server/loadsim/launch"
	"github.com/parleychat/parley/server/testenv"
)

// TestStorm runs a small storm against the real binary with one password
// worker, no hashing queue and one connect slot, so that arrivals faster
// than one hash are refused: every user still gets ready by following the
// hints, and the residents lose nothing meanwhile.
func TestStorm(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "server.log")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := launch.Start(ctx, launch.Options{
		Binary: testenv.Parley(t), AdminURL: testenv.AdminURL(), LogPath: logPath,
		Env: []string{
			// ~20 ms a hash: far longer than the 1 ms between arrivals.
			"PARLEY_ARGON2_MEMORY_KIB=16384", "PARLEY_ARGON2_TIME=2",
			"PARLEY_HASH_WORKERS=1", "PARLEY_HASH_QUEUE=0",
			"PARLEY_WS_CONNECT_SLOTS=1", "PARLEY_WS_CONNECT_QUEUE=0",
			"PARLEY_AUTH_RATE=0", "PARLEY_REGISTER_RATE=0", "PARLEY_ANON_RATE=0", "PARLEY_SIGNIN_FAILURES=0",
		},
	})
	if err != nil {
		t.Fatalf("start parley: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(context.Background()); err != nil {
			t.Errorf("stop parley: %v", err)
		}
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("server log (tail):\n%s", tail(b, 3000))
			}
		}
	})

	var log bytes.Buffer
	cfg := loadsim.Defaults()
	cfg.Name, cfg.Target, cfg.MetricsURLs = "storm-test", srv.URL, []string{srv.PprofURL + "/metrics"}
	cfg.Users, cfg.RampRate = 30, 1000
	cfg.StormResidents, cfg.StormMsgRate = 3, 20
	cfg.UserPrefix, cfg.Progress, cfg.Log = "sm", time.Second, &log
	cfg.Drain, cfg.MaxTime = 3*time.Second, 80*time.Second
	res, err := loadsim.RunStorm(context.Background(), cfg)
	if err != nil {
		t.Fatalf("storm: %v\n%s", err, log.String())
	}
	if !res.Pass || res.Ready != 30 || res.AllReadySeconds <= 0 {
		t.Fatalf("storm failed (%d ready): %v\n%s\n%s", res.Ready, res.Failures, res.Markdown(), log.String())
	}
	if got := res.Outcomes["register 503"]; got == 0 {
		t.Fatalf("no sign-up was refused with 503; outcomes %v", res.Outcomes)
	}
	if got := res.Outcomes["register 201"] + res.Outcomes["login 200"]; got < 30 {
		t.Fatalf("%d sign-ins accepted, want at least 30; outcomes %v", got, res.Outcomes)
	}
	for what := range res.Outcomes {
		if strings.HasSuffix(what, " 0") || strings.HasSuffix(what, " 500") || strings.HasSuffix(what, " 502") {
			t.Fatalf("outcome %q: refusals must be answers, never errors; outcomes %v", what, res.Outcomes)
		}
	}
	// The server counted the refusals its clients saw.
	if got := res.ServerRefusals["password queue_full"]; got == 0 {
		t.Fatalf("server refusals %v; want password queue_full counted", res.ServerRefusals)
	}
	if res.ResidentCounts.Acked == 0 || res.ResidentDelivery.Count == 0 {
		t.Fatalf("the residents sent or received nothing: %+v, %+v", res.ResidentCounts, res.ResidentDelivery)
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"storm.json", "storm.md"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s not written: %v", f, err)
		}
	}
}

package loadsim_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		in      string
		at      time.Duration
		cmd     string
		wantErr bool
	}{
		{"20s:scripts/cluster kill 2", 20 * time.Second, "scripts/cluster kill 2", false},
		{" 1m30s : a && b, c ", 90 * time.Second, "a && b, c", false},
		{"0s:echo a:b", 0, "echo a:b", false},
		{"20s", 0, "", true},
		{"soon:kill", 0, "", true},
		{"-1s:kill", 0, "", true},
		{"5s:  ", 0, "", true},
	} {
		got, err := loadsim.ParseFault(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseFault(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got.At != tc.at || got.Cmd != tc.cmd {
			t.Errorf("ParseFault(%q) = %+v, %v; want at %v cmd %q", tc.in, got, err, tc.at, tc.cmd)
		}
	}
}

func TestRunFaults(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		mark := filepath.Join(dir, "order")
		// Given out of order: they run in time order, one after the other.
		got := loadsim.RunFaults(context.Background(), []loadsim.Fault{
			{At: 300 * time.Millisecond, Cmd: "echo second >>" + mark + "; exit 3"},
			{At: 0, Cmd: "sleep 0.5; echo first >>" + mark},
		})
		if len(got) != 2 || got[0].ExitStatus != 0 || got[1].ExitStatus != 3 {
			t.Fatalf("events = %+v, want exit 0 then 3", got)
		}
		if got[1].StartSec < got[0].EndSec {
			t.Errorf("second fault started at %.3fs, before the first ended at %.3fs", got[1].StartSec, got[0].EndSec)
		}
		b, err := os.ReadFile(mark)
		if err != nil || string(b) != "first\nsecond\n" {
			t.Errorf("order file = %q, %v", b, err)
		}
	})
	t.Run("NotRunAfterSchedule", func(t *testing.T) {
		sched, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		got := loadsim.RunFaults(sched, []loadsim.Fault{{At: time.Hour, Cmd: "true"}})
		if len(got) != 1 || got[0].ExitStatus != -1 {
			t.Fatalf("events = %+v, want one not run (exit -1)", got)
		}
	})
}

func TestRecoveryBook(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	faults := []loadsim.FaultEvent{
		loadsim.FaultStartedAt("kill 1", at(10)),
		loadsim.FaultStartedAt("kill 2", at(30)),
		{Cmd: "never ran"},
	}

	t.Run("Windows", func(t *testing.T) {
		b := loadsim.NewRecoveryBook()
		b.Recovered(9, at(1)) // a first connect: not a recovery
		b.Dropped(1, at(11))
		b.Dropped(1, at(11.5)) // dropped again before it recovered: the first drop counts
		b.Dropped(2, at(12))
		b.Recovered(1, at(13))
		b.Recovered(2, at(15))
		b.Recovered(2, at(16)) // nothing pending
		b.Dropped(3, at(31))
		b.Recovered(3, at(31.5))
		b.Dropped(4, at(5)) // before any fault, never back
		got := loadsim.RecoveryOf(b, faults, t0)
		if got.Drops != 4 || got.Recovered != 3 || got.Unrecovered != 1 {
			t.Fatalf("drops/recovered/unrecovered = %d/%d/%d, want 4/3/1", got.Drops, got.Recovered, got.Unrecovered)
		}
		if got.MaxSec != 3 || got.P50Sec != 2 {
			t.Errorf("max %v p50 %v, want 3 and 2", got.MaxSec, got.P50Sec)
		}
		want := []loadsim.RecoveryWindow{
			{Fault: "", Drops: 1, Unrecovered: 1, FirstDropSec: 5, RecoverSec: -1},
			{Fault: "kill 1", Drops: 2, FirstDropSec: 11, LastRecovered: 15, RecoverSec: 4},
			{Fault: "kill 2", Drops: 1, FirstDropSec: 31, LastRecovered: 31.5, RecoverSec: 0.5},
		}
		if len(got.Windows) != len(want) {
			t.Fatalf("windows = %+v, want %+v", got.Windows, want)
		}
		for i := range want {
			if got.Windows[i] != want[i] {
				t.Errorf("window %d = %+v, want %+v", i, got.Windows[i], want[i])
			}
		}
	})
	t.Run("QuietFault", func(t *testing.T) {
		// A fault no socket noticed (Valkey stopped) still has its window.
		got := loadsim.RecoveryOf(loadsim.NewRecoveryBook(), faults[:1], t0)
		if got.Drops != 0 || len(got.Windows) != 1 || got.Windows[0].RecoverSec != 0 || got.Windows[0].Drops != 0 {
			t.Errorf("got %+v, want one empty window", got)
		}
	})
	t.Run("P99", func(t *testing.T) {
		b := loadsim.NewRecoveryBook()
		for i := range 200 {
			b.Dropped(i, at(0))
			b.Recovered(i, at(float64(i+1)/100)) // 0.01 s … 2 s
		}
		got := loadsim.RecoveryOf(b, nil, t0)
		if got.P99Sec != 1.99 || got.MaxSec != 2 {
			t.Errorf("p99 %v max %v, want 1.99 and 2", got.P99Sec, got.MaxSec)
		}
	})
}

func TestCPUMeter(t *testing.T) {
	t0 := time.Now()
	var m loadsim.CPUMeter
	if got := m.Observe(t0, map[int]float64{10: 5, 11: 7}); got != 0 {
		t.Errorf("first sample = %v, want 0", got)
	}
	if got := m.Observe(t0.Add(time.Second), map[int]float64{10: 5.5, 11: 7.5}); got != 1 {
		t.Errorf("two replicas at half a core = %v, want 1", got)
	}
	// Replica 11 was killed and restarted as 12: its counter starts again,
	// which a plain sum would take for negative CPU.
	if got := m.Observe(t0.Add(2*time.Second), map[int]float64{10: 6, 12: 0.25}); got != 0.75 {
		t.Errorf("after a restart = %v, want 0.75", got)
	}
	if got := m.Peak(); got != 1 {
		t.Errorf("peak = %v, want 1", got)
	}
}

func TestPIDsFromFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"replica-1.pid": "4242\n", "replica-2.pid": "garbage", "replica-3.pid": "77", "nginx.pid": "1"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := loadsim.PIDsFromFiles(filepath.Join(dir, "replica-*.pid"))
	if len(got) != 2 || got[0] != 4242 || got[1] != 77 {
		t.Errorf("pids = %v, want [4242 77]", got)
	}
}

func TestSendRetry(t *testing.T) {
	for code, want := range map[string]bool{"unavailable": true, "rate_limited": true, "invalid": false, "forbidden": false, "internal": false} {
		if got := loadsim.RetriedSendCode(code); got != want {
			t.Errorf("RetriedSendCode(%q) = %v, want %v", code, got, want)
		}
	}
	for _, tc := range []struct {
		after    int
		min, max time.Duration
	}{{0, time.Second, 2 * time.Second}, {3, 3 * time.Second, 4 * time.Second}, {1 << 40, 5 * time.Minute, 5*time.Minute + time.Second}} {
		for range 50 {
			if got := loadsim.SendRetryWait(tc.after); got < tc.min || got > tc.max {
				t.Fatalf("SendRetryWait(%d) = %v, want %v to %v", tc.after, got, tc.min, tc.max)
			}
		}
	}
}

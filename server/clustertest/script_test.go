package clustertest_test

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestClusterScript checks scripts/cluster's process handling: it stops
// everything it started, and does not keep serving with a dead replica.
func TestClusterScript(t *testing.T) {
	t.Run("OKStopsEverythingOnTERM", func(t *testing.T) {
		c := startCluster(t, 2, false)
		pids := map[string]int{}
		for _, name := range c.names() {
			pids[name] = c.pid(t, name)
		}
		if err := c.proc.Stop(context.Background(), 30*time.Second); err != nil {
			t.Errorf("scripts/cluster exited with %v after SIGTERM, want status 0", err)
		}
		for name, pid := range pids {
			if syscall.Kill(pid, 0) == nil {
				t.Errorf("%s (pid %d) still running after scripts/cluster stopped", name, pid)
			}
		}
	})

	t.Run("ErrExitsWhenAReplicaDies", func(t *testing.T) {
		c := startCluster(t, 2, false)
		nginx := c.pid(t, "nginx")
		if err := syscall.Kill(c.pid(t, "replica-2"), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.proc.Done():
		case <-time.After(30 * time.Second):
			t.Fatal("scripts/cluster still running 30s after a replica died")
		}
		if c.proc.Err() == nil {
			t.Error("scripts/cluster exited 0 after a replica crashed, want a failure status")
		}
		if syscall.Kill(nginx, 0) == nil {
			t.Errorf("nginx (pid %d) still running after scripts/cluster exited", nginx)
		}
	})
}

package clustertest_test

import (
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestClusterScript checks scripts/cluster's process handling: it stops
// everything it started, a replica that dies leaves the others serving,
// and nginx dying stops the cluster.
func TestClusterScript(t *testing.T) {
	t.Run("OKStopsEverythingOnTERM", func(t *testing.T) {
		c := startCluster(t, 2)
		pids := map[string]int{}
		for _, name := range c.names() {
			pids[name] = c.pid(t, name)
		}
		if err := c.proc.Stop(context.Background(), 30*time.Second); err != nil {
			t.Errorf("scripts/cluster exited with %v after SIGTERM, want status 0", err)
		}
		for name, pid := range pids {
			if alive(pid) {
				t.Errorf("%s (pid %d) still running after scripts/cluster stopped", name, pid)
			}
		}
	})

	t.Run("OKReplicaDeathLeavesOthersServing", func(t *testing.T) {
		c := startCluster(t, 2)
		victim := c.pid(t, "replica-2")
		if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// The supervisor reaps the replica and drops its pid file.
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, ok := c.readPid("replica-2"); !ok {
				break
			}
			if time.Now().After(deadline) || c.proc.Exited() {
				t.Fatalf("replica-2's pid file still there 10s after it died (script exited: %v)", c.proc.Exited())
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Clients of every /24, those hashed to the dead replica too, are
		// served by the survivor.
		for k := 1; k <= 12; k++ {
			resp := mustGet(t, boundClient(t, sourceIP(k)), c.url+"/api/v1/rooms/public")
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusOK {
				t.Errorf("GET from %s after replica-2 died: %d", sourceIP(k), resp.StatusCode)
			}
			if got := resp.Header.Get("X-Parley-Instance"); got != "replica-1" {
				t.Errorf("GET from %s served by %q, want replica-1", sourceIP(k), got)
			}
		}
		if c.proc.Exited() {
			t.Fatalf("scripts/cluster exited after a replica died: %v", c.proc.Err())
		}
		if st := c.status(t); st["replica-1"].ready != true || st["replica-2"].up {
			t.Errorf("status after replica-2 died: %+v", st)
		}
	})

	t.Run("ErrExitsWhenNginxDies", func(t *testing.T) {
		c := startCluster(t, 2)
		replicas := []int{c.pid(t, "replica-1"), c.pid(t, "replica-2")}
		if err := syscall.Kill(c.pid(t, "nginx"), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		select {
		case <-c.proc.Done():
		case <-time.After(30 * time.Second):
			t.Fatal("scripts/cluster still running 30s after nginx died")
		}
		if c.proc.Err() == nil {
			t.Error("scripts/cluster exited 0 after nginx died, want a failure status")
		}
		for _, pid := range replicas {
			if alive(pid) {
				t.Errorf("replica pid %d still running after scripts/cluster exited", pid)
			}
		}
	})
}

package clustertest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestClusterCommands drives a running cluster with scripts/cluster's
// control commands, each a separate invocation that finds the cluster
// through CLUSTER_DIR, and checks what nginx and the replicas do after
// each.
func TestClusterCommands(t *testing.T) {
	// A short fail_timeout lets nginx try a restarted replica again soon.
	c := startClusterWith(t, clusterOptions{replicas: 2, spare: 1, env: []string{"NGINX_FAIL_TIMEOUT=1s"}})
	run := time.Now().UnixNano() % 1_000_000_000
	// servedBy asks nginx from n /24s which replicas answer.
	servedBy := func(t *testing.T, n int) map[string]int {
		t.Helper()
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			resp := mustGet(t, boundClient(t, sourceIP(k)), c.url+"/healthz")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz from %s = %d", sourceIP(k), resp.StatusCode)
			}
			seen[resp.Header.Get("X-Parley-Instance")]++
		}
		return seen
	}

	t.Run("OKStatus", func(t *testing.T) {
		// A socket straight to replica-1 shows in its count.
		a := newAPIClient(t, c.replicaURL(1), "127.0.0.1", "status")
		a.register(t, fmt.Sprintf("st%d", run))
		s := a.connect(t)
		s.ready(t)
		st := c.status(t)
		for i := 1; i <= 2; i++ {
			name := fmt.Sprintf("replica-%d", i)
			r := st[name]
			if !r.up || !r.ready || r.pid != c.pid(t, name) || r.url != c.replicaURL(i) || r.version == "" {
				t.Errorf("%s: %+v, want up and ready, pid %d, %s", name, r, c.pid(t, name), c.replicaURL(i))
			}
		}
		if got := st["replica-1"].sockets; got != 1 {
			t.Errorf("replica-1 sockets=%d, want 1", got)
		}
		if n := st["nginx"]; !n.up || n.pid != c.pid(t, "nginx") || n.url != c.url {
			t.Errorf("nginx: %+v", n)
		}
		if len(st) != 3 {
			t.Errorf("status has %d lines, want 2 replicas and nginx: %+v", len(st), st)
		}
		s.close()
	})

	t.Run("OKKill", func(t *testing.T) {
		pid := c.pid(t, "replica-2")
		c.mustControl(t, "kill", "2")
		// "kill" returns once the replica is dead: no waiting here.
		if alive(pid) {
			t.Fatalf("replica-2 (pid %d) still alive after kill returned", pid)
		}
		if st := c.status(t); st["replica-2"].up || !st["replica-1"].ready {
			t.Errorf("status after kill 2: %+v", st)
		}
		if seen := servedBy(t, 16); seen["replica-1"] != 16 {
			t.Errorf("after kill 2, 16 /24s were served by %v, want all by replica-1", seen)
		}
	})

	t.Run("ErrKillNotRunning", func(t *testing.T) {
		out, err := c.control(t, "kill", "2")
		if err == nil || !strings.Contains(out, "not running") {
			t.Errorf("kill of a dead replica: %v, %q; want a failure saying it is not running", err, out)
		}
	})

	t.Run("OKRestart", func(t *testing.T) {
		c.mustControl(t, "restart", "2")
		st := c.status(t)
		if r := st["replica-2"]; !r.up || !r.ready {
			t.Fatalf("replica-2 after restart: %+v", r)
		}
		// Once nginx's fail_timeout has passed it sends replica-2 its /24s
		// again.
		deadline := time.Now().Add(20 * time.Second)
		for servedBy(t, 16)["replica-2"] == 0 {
			if time.Now().After(deadline) {
				t.Fatal("nginx sends nothing to the restarted replica-2 after 20s")
			}
			time.Sleep(200 * time.Millisecond)
		}
	})

	t.Run("OKRollingRestart", func(t *testing.T) {
		before := map[string]int{"replica-1": c.pid(t, "replica-1"), "replica-2": c.pid(t, "replica-2")}
		c.mustControl(t, "rolling-restart")
		st := c.status(t)
		for name, old := range before {
			if r := st[name]; !r.up || !r.ready || r.pid == old {
				t.Errorf("%s after rolling-restart: %+v, want up, ready, not pid %d", name, r, old)
			}
			if alive(old) {
				t.Errorf("%s's old pid %d still running", name, old)
			}
		}
	})

	t.Run("OKScaleUp", func(t *testing.T) {
		c.mustControl(t, "scale", "3")
		if r := c.status(t)["replica-3"]; !r.up || !r.ready || r.url != c.replicaURL(3) {
			t.Fatalf("replica-3 after scale 3: %+v", r)
		}
		if seen := servedBy(t, 32); seen["replica-3"] == 0 || len(seen) != 3 {
			t.Errorf("after scale 3, 32 /24s were served by %v, want all three replicas", seen)
		}
	})

	t.Run("OKScaleDown", func(t *testing.T) {
		gone := []int{c.pid(t, "replica-2"), c.pid(t, "replica-3")}
		c.mustControl(t, "scale", "1")
		for _, pid := range gone {
			if alive(pid) {
				t.Errorf("pid %d of a removed replica still running", pid)
			}
		}
		st := c.status(t)
		if _, ok := st["replica-2"]; ok || len(st) != 2 {
			t.Errorf("status after scale 1: %+v, want replica-1 and nginx", st)
		}
		if seen := servedBy(t, 16); seen["replica-1"] != 16 {
			t.Errorf("after scale 1, 16 /24s were served by %v, want all by replica-1", seen)
		}
	})

	t.Run("ErrBadCommands", func(t *testing.T) {
		for _, args := range [][]string{
			{"restart", "5"}, {"kill", "0"}, {"kill"}, {"scale", "0"}, {"scale", "two"},
			{"restart", "1", "2"}, {"status", "now"}, {"explode"},
		} {
			out, err := c.control(t, args...)
			if err == nil || !strings.Contains(out, "error:") {
				t.Errorf("scripts/cluster %s: %v, %q; want a failure with a message", strings.Join(args, " "), err, out)
			}
		}
	})

	t.Run("OKStopsReplicasStartedLater", func(t *testing.T) {
		c.mustControl(t, "scale", "2")
		pids := c.processes()
		if len(pids) != 3 {
			t.Fatalf("cluster processes %v, want two replicas and nginx", pids)
		}
		if err := c.proc.Stop(context.Background(), 30*time.Second); err != nil {
			t.Fatalf("scripts/cluster exited with %v after SIGTERM, want status 0", err)
		}
		for _, pid := range pids {
			if alive(pid) {
				t.Errorf("pid %d still running after scripts/cluster stopped", pid)
			}
		}
		if out, err := c.control(t, "status"); err == nil || !strings.Contains(out, "no running cluster") {
			t.Errorf("status of a stopped cluster: %v, %q", err, out)
		}
	})
}

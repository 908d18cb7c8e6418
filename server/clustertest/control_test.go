package clustertest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// control runs a scripts/cluster control command against c and returns
// its combined output and exit error.
func (c *cluster) control(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(testenv.RepoRoot(), "scripts", "cluster"), args...)
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+c.dir, "CLUSTER_STOP_TIMEOUT=15", "CLUSTER_READY_TIMEOUT=30")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		tb.Fatalf("scripts/cluster %s still running after 90s:\n%s", strings.Join(args, " "), out.String())
	}
	return out.String(), err
}

// mustControl is control for a command that must succeed.
func (c *cluster) mustControl(tb testing.TB, args ...string) string {
	tb.Helper()
	start := time.Now()
	out, err := c.control(tb, args...)
	if err != nil {
		tb.Fatalf("scripts/cluster %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	tb.Logf("scripts/cluster %s took %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out
}

// replicaStatus is one replica line of "scripts/cluster status".
type replicaStatus struct {
	pid     int
	up      bool
	ready   bool
	sockets int
	version string
	url     string
}

// status runs "scripts/cluster status" and parses it by replica name;
// nginx's line is under "nginx". A line of another shape fails the test.
func (c *cluster) status(tb testing.TB) map[string]replicaStatus {
	tb.Helper()
	out, err := c.control(tb, "status")
	if err != nil {
		tb.Fatalf("scripts/cluster status: %v\n%s", err, out)
	}
	got := map[string]replicaStatus{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		var s replicaStatus
		switch {
		case len(f) == 3 && f[1] == "down":
			s.url = f[2]
		case len(f) == 5 && f[0] == "nginx" && f[1] == "pid" && f[3] == "up":
			s.up, s.ready, s.url = true, true, f[4]
			s.pid, err = strconv.Atoi(f[2])
		case len(f) == 8 && f[1] == "pid" && f[3] == "up" && strings.HasPrefix(f[5], "sockets=") && strings.HasPrefix(f[6], "version="):
			s.up, s.ready, s.url = true, f[4] == "ready", f[7]
			s.version = strings.TrimPrefix(f[6], "version=")
			if s.pid, err = strconv.Atoi(f[2]); err == nil {
				s.sockets, err = strconv.Atoi(strings.TrimPrefix(f[5], "sockets="))
			}
			if f[4] != "ready" && f[4] != "unready" {
				err = fmt.Errorf("readiness %q", f[4])
			}
		default:
			err = fmt.Errorf("unexpected shape")
		}
		if err != nil || s.version == "?" {
			tb.Fatalf("status line %q: %v", line, err)
		}
		got[f[0]] = s
	}
	return got
}

// alive reports whether pid runs (a zombie does not count).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	rest := string(b[bytes.LastIndexByte(b, ')')+1:])
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}

// processes lists the live processes of this cluster, found by what they
// run with rather than by pid file: replicas by their key prefix, nginx
// by its prefix directory.
func (c *cluster) processes() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() || !alive(pid) {
			continue
		}
		env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		env = append([]byte{0}, env...) // every entry now starts with NUL
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		isNginx := strings.HasSuffix(exe, "/nginx") && bytes.Contains(cmdline, []byte(c.dir))
		isReplica := bytes.Contains(env, []byte("\x00PARLEY_KEY_PREFIX="+c.prefix+"\x00")) &&
			bytes.Contains(env, []byte("\x00PARLEY_INSTANCE="))
		if isNginx || isReplica {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitGone waits until pid has exited.
func waitGone(tb testing.TB, pid int, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for alive(pid) {
		if time.Now().After(deadline) {
			tb.Fatalf("pid %d still running after %v", pid, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

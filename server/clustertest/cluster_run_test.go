package clustertest_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/server/pgtest"
	"github.com/valkey-io/valkey-go"
)

// testValkey is the shared Redis/Valkey server; tests stay apart through
// their own key prefix.
const testValkey = "127.0.0.1:6379"

// cluster is scripts/cluster running N replicas and nginx for one test.
type cluster struct {
	url      string // nginx, e.g. http://127.0.0.1:41234
	dir      string // CLUSTER_DIR: logs and pid files
	replicas int
	basePort int // replica i (from 1) listens on basePort+i-1
	proc     *process
}

// replicaURL addresses replica i (from 1) directly, bypassing nginx.
func (c *cluster) replicaURL(i int) string {
	return fmt.Sprintf("http://127.0.0.1:%d", c.basePort+i-1)
}

// startCluster runs scripts/cluster with a fresh database and key prefix on
// free ports and waits until it says it is ready. Everything it started is
// stopped when the test ends. With keepDrained, a replica that drains and
// exits 0 leaves the others running.
func startCluster(tb testing.TB, replicas int, keepDrained bool) *cluster {
	tb.Helper()
	bin := requireParley(tb)
	// Cleanups run last-registered first: the database and the keys go
	// after the processes that use them have stopped.
	dsn := pgtest.NewDatabase(tb)
	prefix := fmt.Sprintf("parley-clustertest:%d:%d:", os.Getpid(), time.Now().UnixNano())
	cleanValkey(tb, prefix)

	dir := sharedTempDir(tb)
	nginxPort := freePort(tb)
	basePort := freePortRange(tb, replicas)
	out, err := os.Create(filepath.Join(dir, "cluster.log"))
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()

	cmd := exec.Command(filepath.Join(repoRoot(), "scripts", "cluster"))
	cmd.Env = append(os.Environ(),
		"PARLEY_BIN="+bin,
		"CLUSTER_DIR="+dir,
		"CLUSTER_REPLICAS="+strconv.Itoa(replicas),
		"CLUSTER_BASE_PORT="+strconv.Itoa(basePort),
		"CLUSTER_NGINX_PORT="+strconv.Itoa(nginxPort),
		"CLUSTER_KEEP_DRAINED="+map[bool]string{true: "1", false: "0"}[keepDrained],
		"CLUSTER_STOP_TIMEOUT=15",
		"NGINX_WORKERS=1",
		"DATABASE_URL="+dsn,
		"VALKEY_URL=redis://"+testValkey+"/0",
		"PARLEY_KEY_PREFIX="+prefix,
		"PARLEY_LOG_LEVEL=warn",
		// The database server is shared: a few connections per replica.
		"PARLEY_DB_MAX_OPEN=4",
		"PARLEY_DB_MAX_IDLE=4",
		"PARLEY_SHUTDOWN_TIMEOUT=5s",
		// Cheap password hashing keeps sign-ups fast; strength is not
		// what this test is about.
		"PARLEY_ARGON2_MEMORY_KIB=1024",
		"PARLEY_ARGON2_TIME=1",
		// Test users sign up by the dozen from a few addresses; the
		// per-address limits have tests of their own.
		"PARLEY_REGISTER_RATE=0",
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = out
	c := &cluster{dir: dir, replicas: replicas, basePort: basePort}
	tb.Cleanup(func() {
		// Runs after the script has been stopped: nothing it started may
		// survive it.
		for _, name := range c.names() {
			if pid, ok := c.readPid(name); ok && syscall.Kill(pid, 0) == nil {
				tb.Errorf("%s (pid %d) outlived scripts/cluster", name, pid)
			}
		}
		if tb.Failed() {
			c.dumpLogs(tb)
		}
	})
	c.proc = startProcess(tb, cmd, 30*time.Second)

	ready := make(chan string, 1)
	go func() { // ends when the script closes its stdout, i.e. exits
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "cluster ready: "); ok {
				select {
				case ready <- u:
				default:
				}
			}
		}
	}()
	select {
	case c.url = <-ready:
	case <-c.proc.done:
		tb.Fatalf("scripts/cluster exited before it was ready: %v", c.proc.err)
	case <-time.After(90 * time.Second):
		tb.Fatal("scripts/cluster not ready after 90s")
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", nginxPort); c.url != want {
		tb.Fatalf("cluster URL = %q, want %q", c.url, want)
	}
	return c
}

// names lists the processes scripts/cluster starts.
func (c *cluster) names() []string {
	names := []string{"nginx"}
	for i := 1; i <= c.replicas; i++ {
		names = append(names, fmt.Sprintf("replica-%d", i))
	}
	return names
}

func (c *cluster) readPid(name string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.dir, name+".pid"))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil
}

// pid is the process id of a replica (replica-1 …) or of nginx.
func (c *cluster) pid(tb testing.TB, name string) int {
	tb.Helper()
	pid, ok := c.readPid(name)
	if !ok {
		tb.Fatalf("no pid file for %s in %s", name, c.dir)
	}
	return pid
}

// drain sends SIGTERM to a replica and waits until it has exited.
func (c *cluster) drain(tb testing.TB, name string, within time.Duration) {
	tb.Helper()
	pid := c.pid(tb, name)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		tb.Fatalf("SIGTERM %s: %v", name, err)
	}
	deadline := time.Now().Add(within)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			tb.Fatalf("%s still running %v after SIGTERM", name, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *cluster) dumpLogs(tb testing.TB) {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(c.dir, "*.log"))
	files = append(files, filepath.Join(c.dir, "nginx", "error.log"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			continue
		}
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		tb.Logf("--- %s (tail)\n%s", filepath.Base(f), b)
	}
}

// cleanValkey checks that Valkey answers and deletes the test's keys when
// the test ends.
func cleanValkey(tb testing.TB, prefix string) {
	tb.Helper()
	client, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{testValkey}, DisableCache: true})
	if err != nil {
		tb.Fatalf("valkey at %s: %v", testValkey, err)
	}
	tb.Cleanup(func() {
		defer client.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var cursor uint64
		for {
			e, err := client.Do(ctx, client.B().Scan().Cursor(cursor).Match(prefix+"*").Count(500).Build()).AsScanEntry()
			if err != nil {
				tb.Errorf("valkey: scan %s*: %v", prefix, err)
				return
			}
			if len(e.Elements) > 0 {
				if err := client.Do(ctx, client.B().Del().Key(e.Elements...).Build()).Error(); err != nil {
					tb.Errorf("valkey: delete test keys: %v", err)
					return
				}
			}
			if cursor = e.Cursor; cursor == 0 {
				return
			}
		}
	})
}

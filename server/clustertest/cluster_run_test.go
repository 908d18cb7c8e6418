package clustertest_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// replicaEnv is what every replica a test starts runs with.
var replicaEnv = []string{
	"PARLEY_LOG_LEVEL=warn",
	// The database server is shared: a few connections per replica.
	"PARLEY_DB_MAX_OPEN=4",
	"PARLEY_DB_MAX_IDLE=4",
	"PARLEY_SHUTDOWN_TIMEOUT=5s",
	// Cheap password hashing keeps sign-ups fast; strength is not
	// what these tests are about.
	"PARLEY_ARGON2_MEMORY_KIB=1024",
	"PARLEY_ARGON2_TIME=1",
}

// cluster is scripts/cluster running N replicas and nginx for one test.
type cluster struct {
	url      string // nginx, e.g. http://127.0.0.1:41234
	dir      string // CLUSTER_DIR: logs and pid files
	replicas int    // at start; scale may change it
	basePort int    // replica i (from 1) listens on basePort+i-1
	prefix   string // PARLEY_KEY_PREFIX, in every replica's environment
	proc     *testenv.Process
}

// clusterOptions are what a test may change about its cluster.
type clusterOptions struct {
	replicas int
	// spare is how many more replicas than at start the reserved ports
	// allow, for tests that scale up.
	spare int
	// valkey is the Valkey/Redis address; empty means the shared one.
	valkey string
	// env is added to scripts/cluster's environment (NGINX_*, PARLEY_*).
	env []string
}

// replicaURL addresses replica i (from 1) directly, bypassing nginx.
func (c *cluster) replicaURL(i int) string {
	return fmt.Sprintf("http://127.0.0.1:%d", c.basePort+i-1)
}

// startCluster runs scripts/cluster with replicas on the shared Valkey; see
// startClusterWith.
func startCluster(tb testing.TB, replicas int) *cluster {
	tb.Helper()
	return startClusterWith(tb, clusterOptions{replicas: replicas})
}

// startClusterWith runs scripts/cluster with a fresh database and key prefix
// on free ports and waits until it says it is ready. Everything it started
// is stopped when the test ends, and the test fails if any process of the
// cluster (including replicas started later by control commands) survives.
func startClusterWith(tb testing.TB, o clusterOptions) *cluster {
	tb.Helper()
	replicas := o.replicas
	valkeyAddr := o.valkey
	if valkeyAddr == "" {
		valkeyAddr = testenv.RedisAddr
	}
	bin := testenv.Parley(tb)
	// Cleanups run last-registered first: the database and the keys go
	// after the processes that use them have stopped.
	dsn := testenv.NewDatabase(tb)
	prefix := testenv.Prefix(tb, valkeyAddr)

	dir := sharedTempDir(tb)
	nginxPort := testenv.FreePort(tb)
	basePort := testenv.FreePortRange(tb, replicas+o.spare)
	// Each replica's admin listener needs its own free port too.
	adminPort := testenv.FreePortRange(tb, replicas+o.spare)
	out, err := os.Create(filepath.Join(dir, "cluster.log"))
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()

	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "scripts", "cluster"))
	cmd.Env = append(os.Environ(),
		"PARLEY_BIN="+bin,
		"CLUSTER_DIR="+dir,
		"CLUSTER_REPLICAS="+strconv.Itoa(replicas),
		"CLUSTER_BASE_PORT="+strconv.Itoa(basePort),
		"CLUSTER_ADMIN_BASE_PORT="+strconv.Itoa(adminPort),
		"CLUSTER_NGINX_PORT="+strconv.Itoa(nginxPort),
		"CLUSTER_STOP_TIMEOUT=15",
		// nginx is not what these tests time: a short settle keeps
		// rolling restarts quick while still passing through it.
		"CLUSTER_ROLLING_SETTLE=1",
		"NGINX_WORKERS=1",
		"DATABASE_URL="+dsn,
		"VALKEY_URL=redis://"+valkeyAddr+"/0",
		"PARLEY_KEY_PREFIX="+prefix,
		// Test users sign up by the dozen from a few addresses; the
		// per-address limits have tests of their own.
		"PARLEY_REGISTER_RATE=0",
	)
	cmd.Env = append(cmd.Env, replicaEnv...)
	cmd.Env = append(cmd.Env, o.env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = out
	c := &cluster{dir: dir, replicas: replicas, basePort: basePort, prefix: prefix}
	tb.Cleanup(func() {
		// Runs after the script has been stopped: nothing it started may
		// survive it, whether its pid file is left or not.
		for _, name := range c.names() {
			if pid, ok := c.readPid(name); ok && alive(pid) {
				tb.Errorf("%s (pid %d) outlived scripts/cluster", name, pid)
			}
		}
		for _, pid := range c.processes() {
			tb.Errorf("pid %d of this cluster outlived scripts/cluster", pid)
		}
		if tb.Failed() {
			c.dumpLogs(tb)
		}
	})
	c.proc = testenv.RunProcess(tb, cmd, 30*time.Second)

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
	case <-c.proc.Done():
		tb.Fatalf("scripts/cluster exited before it was ready: %v", c.proc.Err())
	case <-time.After(90 * time.Second):
		tb.Fatal("scripts/cluster not ready after 90s")
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", nginxPort); c.url != want {
		tb.Fatalf("cluster URL = %q, want %q", c.url, want)
	}
	return c
}

// names lists the processes scripts/cluster runs that have a pid file.
func (c *cluster) names() []string {
	files, _ := filepath.Glob(filepath.Join(c.dir, "*.pid"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".pid"))
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

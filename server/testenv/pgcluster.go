package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// PGCluster is a private PostgreSQL server of one test: its own data
// directory and port, run as the postgres OS user (PostgreSQL refuses
// root), so that the test may stop, restart or pause it without touching
// the shared server.
type PGCluster struct {
	Dir  string // data directory, owned by postgres
	Port int
	bin  string
	cred *syscall.Credential
	proc *pgProc
	tail *tailWriter
}

// pgProc is one run of the postmaster.
type pgProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// pgStartTimeout bounds initdb, a base backup and a start.
const pgStartTimeout = 60 * time.Second

// pgSettings are the flags of every private server: fast rather than
// durable (no fsync: an immediate stop still recovers from the WAL, only
// a machine crash would lose data), small, streaming-capable.
var pgSettings = []string{
	"listen_addresses=127.0.0.1", "wal_level=replica", "max_wal_senders=4",
	"fsync=off", "full_page_writes=off", "shared_buffers=16MB", "max_connections=60",
	"hot_standby=on", "hot_standby_feedback=on", "wal_receiver_status_interval=1s",
	"logging_collector=off",
}

// StartPGPrimary initdbs a private server on a free port, starts it, and
// stops it and removes its directory when the test ends.
func StartPGPrimary(tb testing.TB) *PGCluster {
	tb.Helper()
	c := newPGCluster(tb)
	initdb := filepath.Join(c.bin, "initdb")
	if out, err := c.run(initdb, "-D", c.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		tb.Fatalf("testenv: initdb: %v\n%s", err, out)
	}
	c.Start(tb)
	return c
}

// StartPGReplica takes a base backup of primary (pg_basebackup -R, so the
// copy streams from it) and starts it as a hot standby on a free port,
// stopped and removed when the test ends.
func StartPGReplica(tb testing.TB, primary *PGCluster) *PGCluster {
	tb.Helper()
	c := newPGCluster(tb)
	base := filepath.Join(c.bin, "pg_basebackup")
	// pg_basebackup wants an empty or missing directory.
	if err := os.Remove(c.Dir); err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	out, err := c.run(base, "-h", "127.0.0.1", "-p", strconv.Itoa(primary.Port), "-U", "postgres",
		"-D", c.Dir, "-R", "-X", "stream", "--no-sync", "-c", "fast")
	if err != nil {
		tb.Fatalf("testenv: pg_basebackup: %v\n%s", err, out)
	}
	c.Start(tb)
	return c
}

func newPGCluster(tb testing.TB) *PGCluster {
	tb.Helper()
	bin, err := pgBinDir()
	if err != nil {
		tb.Fatal(err)
	}
	cred, err := postgresUser()
	if err != nil {
		tb.Fatal(err)
	}
	// Not t.TempDir: its parents are root's and closed to other users.
	parent, err := os.MkdirTemp("", "parley-pg-")
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	dir := filepath.Join(parent, "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	for _, d := range []string{parent, dir} {
		if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
			tb.Fatalf("testenv: chown %s: %v", d, err)
		}
	}
	c := &PGCluster{Dir: dir, Port: FreePort(tb), bin: bin, cred: cred, tail: &tailWriter{max: 4000}}
	tb.Cleanup(func() {
		c.stop(syscall.SIGQUIT)
		if tb.Failed() {
			tb.Logf("postgres on port %d (tail):\n%s", c.Port, c.tail)
		}
		_ = os.RemoveAll(parent)
	})
	return c
}

// URL is a DSN for database name on this server.
func (c *PGCluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}

// On returns dsn, a database of another server, pointed at this one: the
// same database on a replica.
func (c *PGCluster) On(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Host = "127.0.0.1:" + strconv.Itoa(c.Port)
	return u.String()
}

// Start starts the postmaster and waits until it accepts connections; it
// fails the test if it is already running or does not come up.
func (c *PGCluster) Start(tb testing.TB) {
	tb.Helper()
	if c.proc != nil {
		tb.Fatalf("testenv: postgres on port %d already running", c.Port)
	}
	args := []string{"-D", c.Dir, "-p", strconv.Itoa(c.Port), "-c", "unix_socket_directories=" + filepath.Dir(c.Dir)}
	for _, s := range pgSettings {
		args = append(args, "-c", s)
	}
	cmd := exec.Command(filepath.Join(c.bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = c.tail, c.tail
	// SIGINT is a fast shutdown if this process dies without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT, Credential: c.cred}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testenv: start postgres: %v", err)
	}
	p := &pgProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	c.proc = p
	if err := c.waitUp(p); err != nil {
		tb.Fatalf("testenv: %v\n%s", err, c.tail)
	}
}

// Stop stops the postmaster: immediate (SIGQUIT, like a crash: clients
// are cut off and the next start replays the WAL) or fast (SIGINT: open
// transactions are rolled back and a checkpoint written). It waits for the
// exit.
func (c *PGCluster) Stop(tb testing.TB, immediate bool) {
	tb.Helper()
	sig := syscall.SIGINT
	if immediate {
		sig = syscall.SIGQUIT
	}
	if err := c.stop(sig); err != nil {
		tb.Fatal(err)
	}
}

func (c *PGCluster) stop(sig syscall.Signal) error {
	p := c.proc
	if p == nil {
		return nil
	}
	c.proc = nil
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return nil
	case <-time.After(pgStartTimeout):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("testenv: postgres on port %d ignored %v and was killed", c.Port, sig)
	}
}

// Exec runs one statement on database postgres of this server.
func (c *PGCluster) Exec(tb testing.TB, stmt string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if err := adminExec(ctx, c.URL("postgres"), stmt); err != nil {
		tb.Fatalf("testenv: %s on port %d: %v", stmt, c.Port, err)
	}
}

// CreateDatabase creates an empty database on this server and returns its
// DSN; the database goes with the server's directory.
func (c *PGCluster) CreateDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	_, dsn, err := CreateDatabase(ctx, c.URL("postgres"), "test")
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

func (c *PGCluster) waitUp(p *pgProc) error {
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer db.Close()
	deadline := time.Now().Add(pgStartTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("postgres on port %d exited while starting", c.Port)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres on port %d not up within %v: %w", c.Port, pgStartTimeout, err)
		}
	}
}

// run runs a PostgreSQL tool as the postgres user.
func (c *PGCluster) run(name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pgStartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	cmd.Dir = filepath.Dir(c.Dir)
	return cmd.CombinedOutput()
}

// pgBinDir finds the server binaries: the newest /usr/lib/postgresql/N/bin,
// else the folder of the initdb on PATH.
func pgBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	p, err := exec.LookPath("initdb")
	if err != nil {
		return "", errors.New("testenv: no PostgreSQL server binaries (initdb, postgres) found")
	}
	p, err = filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("testenv: %w", err)
	}
	return filepath.Dir(p), nil
}

// postgresUser is the OS user private servers run as.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("testenv: a private PostgreSQL runs as the OS user postgres: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("testenv: user postgres: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

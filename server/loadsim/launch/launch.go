// Package launch starts a parley binary for a load run on its own fresh
// database, free port and key prefix, and removes all of it afterwards, so
// that one command measures a server from nothing.
package launch

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver for creating and dropping the database
)

// Options say what to start.
type Options struct {
	Binary   string   // path of the parley binary; nothing is built
	AdminURL string   // a PostgreSQL URL with the right to create databases
	Env      []string // extra KEY=VALUE for the server, after the defaults
	LogPath  string   // the server's stdout and stderr; empty discards them
}

// DefaultAdminURL is the local PostgreSQL's maintenance database.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Server is a running parley with its database.
type Server struct {
	URL      string // http://127.0.0.1:<port>
	PID      int
	Database string
	admin    string
	cmd      *exec.Cmd
	exited   chan error
	log      *os.File
	prefix   string // the server's PARLEY_KEY_PREFIX
	valkey   string // VALKEY_URL, when the server uses Valkey
}

// Start creates a database, starts the binary on a free port with
// PARLEY_ADDR, DATABASE_URL, a unique PARLEY_KEY_PREFIX, pprof on and the
// sign-in rate limit off (Options.Env may override each), and waits until
// /readyz answers 200. On error nothing is left behind.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.AdminURL == "" {
		o.AdminURL = DefaultAdminURL
	}
	tag := randomTag()
	s := &Server{Database: "parley_load_" + tag, admin: o.AdminURL, exited: make(chan error, 1),
		prefix: "parley-load-" + tag + ":", valkey: valkeyURL(o.Env)}
	dbURL, err := withDatabase(o.AdminURL, s.Database)
	if err != nil {
		return nil, err
	}
	if err := s.exec(ctx, "CREATE DATABASE "+s.Database); err != nil {
		return nil, fmt.Errorf("launch: create database: %w", err)
	}
	port, err := freePort()
	if err != nil {
		s.dropDB()
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s.URL = "http://" + addr
	cmd := exec.Command(o.Binary)
	cmd.Env = append(os.Environ(),
		"PARLEY_ADDR="+addr,
		"DATABASE_URL="+dbURL,
		"PARLEY_KEY_PREFIX="+s.prefix,
		"PARLEY_PPROF=true",
		// Thousands of sign-ups come from one address here: the per-address
		// limits would turn the run into a test of the limiters.
		"PARLEY_AUTH_RATE=0",
		"PARLEY_REGISTER_RATE=0",
		"PARLEY_ANON_RATE=0",
		"PARLEY_SIGNIN_FAILURES=0",
		"PARLEY_FORM_RATE=0",
		// The profile paces every simulated sender; a per-user budget
		// would measure the limiter instead of the send path.
		"PARLEY_SEND_RATE=0",
	)
	cmd.Env = append(cmd.Env, o.Env...)
	if o.LogPath != "" {
		f, err := os.Create(o.LogPath)
		if err != nil {
			s.dropDB()
			return nil, fmt.Errorf("launch: server log: %w", err)
		}
		s.log = f
		cmd.Stdout, cmd.Stderr = f, f
	}
	if err := cmd.Start(); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("launch: start %s: %w", o.Binary, err)
	}
	s.cmd, s.PID = cmd, cmd.Process.Pid
	go func() { s.exited <- cmd.Wait() }() // ends when the process does; Stop waits for it
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		_ = s.Stop(context.Background())
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exited:
			s.exited <- err
			return fmt.Errorf("launch: server exited before ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := c.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("launch: server not ready within %s", limit)
}

// Stop sends SIGTERM, waits up to 20 s (then kills), drops the database
// and the run's Valkey keys.
func (s *Server) Stop(ctx context.Context) error {
	var errs []error
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.exited:
			if err != nil {
				errs = append(errs, fmt.Errorf("launch: server exit after SIGTERM: %w", err))
			}
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
			errs = append(errs, errors.New("launch: server ignored SIGTERM for 20s and was killed"))
		case <-ctx.Done():
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		s.cmd = nil
	}
	s.cleanup()
	if s.valkey != "" {
		if err := dropKeys(s.valkey, s.prefix); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

func (s *Server) cleanup() {
	if s.log != nil {
		s.log.Close()
	}
	s.dropDB()
}

func (s *Server) dropDB() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.exec(ctx, "DROP DATABASE IF EXISTS "+s.Database+" WITH (FORCE)")
}

func (s *Server) exec(ctx context.Context, stmt string) error {
	db, err := sql.Open("postgres", s.admin)
	if err != nil {
		return fmt.Errorf("launch: open admin database: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("launch: %s: %w", stmt, err)
	}
	return nil
}

func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", fmt.Errorf("launch: admin url: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("launch: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomTag() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

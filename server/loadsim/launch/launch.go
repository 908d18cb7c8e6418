// Package launch starts a parley binary for a load run on its own fresh
// database, free port and key prefix, and removes all of it afterwards, so
// that one command measures a server from nothing. The starting itself is
// testenv's, the contract every test harness follows.
package launch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// Options say what to start.
type Options struct {
	Binary   string   // path of the parley binary; nothing is built
	AdminURL string   // a PostgreSQL URL with the right to create databases
	Env      []string // extra KEY=VALUE for the server, after the defaults
	LogPath  string   // the server's stdout and stderr; empty discards them
}

// DefaultAdminURL is the local PostgreSQL's maintenance database.
const DefaultAdminURL = testenv.DefaultURL

// Server is a running parley with its database.
type Server struct {
	URL      string // http://127.0.0.1:<port>
	PprofURL string // its admin listener, serving /debug/pprof
	PID      int
	Database string
	admin    string
	srv      *testenv.Server
	log      *os.File
	prefix   string // the server's PARLEY_KEY_PREFIX
	valkey   string // VALKEY_URL, when the server uses Valkey
}

// Start creates a database, starts the binary on a free port with
// PARLEY_ADDR, DATABASE_URL, a unique PARLEY_KEY_PREFIX, its own admin
// listener (pprof) and the sign-in rate limit off (Options.Env may override each), and waits until
// /readyz answers 200. On error nothing is left behind.
func Start(ctx context.Context, o Options) (*Server, error) {
	if o.AdminURL == "" {
		o.AdminURL = DefaultAdminURL
	}
	s := &Server{admin: o.AdminURL, prefix: "parley-load-" + randomTag() + ":", valkey: valkeyURL(o.Env)}
	name, dbURL, err := testenv.CreateDatabase(ctx, o.AdminURL, "load")
	if err != nil {
		return nil, fmt.Errorf("launch: %w", err)
	}
	s.Database = name
	so := testenv.ServerOptions{Binary: o.Binary, DatabaseURL: dbURL, ReadyWithin: 60 * time.Second}
	so.Env = append([]string{
		"PARLEY_KEY_PREFIX=" + s.prefix,
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
	}, o.Env...)
	if o.LogPath != "" {
		f, err := os.Create(o.LogPath)
		if err != nil {
			s.cleanup()
			return nil, fmt.Errorf("launch: server log: %w", err)
		}
		s.log, so.Output = f, f
	}
	if s.srv, err = testenv.StartServer(ctx, so); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("launch: %w", err)
	}
	s.URL, s.PID, s.PprofURL = s.srv.URL, s.srv.PID(), s.srv.AdminURL
	return s, nil
}

// Stop sends SIGTERM, waits up to 20 s (then kills), drops the database
// and the run's Valkey keys.
func (s *Server) Stop(ctx context.Context) error {
	var errs []error
	if s.srv != nil {
		if err := s.srv.Stop(ctx, 20*time.Second); err != nil {
			errs = append(errs, fmt.Errorf("launch: server exit after SIGTERM: %w", err))
		}
		s.srv = nil
	}
	s.cleanup()
	if s.valkey != "" {
		dctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := testenv.DropKeys(dctx, s.valkey, s.prefix); err != nil {
			errs = append(errs, fmt.Errorf("launch: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (s *Server) cleanup() {
	if s.log != nil {
		s.log.Close()
		s.log = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = testenv.DropDatabase(ctx, s.admin, s.Database)
}

// valkeyURL returns the VALKEY_URL the server runs with: the last one in
// env, else the process's own.
func valkeyURL(env []string) string {
	url := os.Getenv("VALKEY_URL")
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "VALKEY_URL="); ok {
			url = v
		}
	}
	return url
}

func randomTag() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

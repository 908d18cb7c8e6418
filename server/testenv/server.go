package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// ServerOptions say how to start a parley binary.
type ServerOptions struct {
	Binary      string        // the parley binary; nothing is built here
	DatabaseURL string        // DATABASE_URL; RunServer makes a fresh database when empty
	Env         []string      // extra KEY=VALUE, after the contract's, so they may override them
	Output      io.Writer     // the server's stdout and stderr; nil keeps only a tail for errors
	ReadyWithin time.Duration // how long /readyz may take to answer 200; 30 s when zero
	Grace       time.Duration // how long RunServer's cleanup waits after SIGTERM; 15 s when zero
}

// Server is a running parley.
type Server struct {
	*Process
	Addr string // 127.0.0.1:<port>, its PARLEY_ADDR
	URL  string // http://Addr
	// AdminURL is http:// and its PARLEY_ADMIN_ADDR, a port of its own so
	// that several servers run side by side; Env may override or empty it.
	AdminURL string
	tail     *tailWriter
}

// StartServer starts o.Binary on a free port with PARLEY_ADDR and
// DATABASE_URL set and waits until it is ready. On error the process is
// stopped and the error carries the tail of its output.
func StartServer(ctx context.Context, o ServerOptions) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	adminPort, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), tail: &tailWriter{max: 4000}}
	s.URL = "http://" + s.Addr
	adminAddr := fmt.Sprintf("127.0.0.1:%d", adminPort)
	s.AdminURL = "http://" + adminAddr
	cmd := exec.Command(o.Binary)
	cmd.Env = append(os.Environ(), "PARLEY_ADDR="+s.Addr, "DATABASE_URL="+o.DatabaseURL, "PARLEY_ADMIN_ADDR="+adminAddr)
	cmd.Env = append(cmd.Env, o.Env...)
	for _, kv := range o.Env {
		if v, ok := strings.CutPrefix(kv, "PARLEY_ADMIN_ADDR="); ok {
			s.AdminURL = ""
			if v != "" && v != "off" {
				s.AdminURL = "http://" + v
			}
		}
	}
	var out io.Writer = s.tail
	if o.Output != nil {
		out = io.MultiWriter(o.Output, s.tail)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if s.Process, err = StartProcess(cmd); err != nil {
		return nil, err
	}
	within := o.ReadyWithin
	if within == 0 {
		within = 30 * time.Second
	}
	if err := WaitReady(ctx, s.URL, s.Done(), within); err != nil {
		if s.Exited() {
			err = fmt.Errorf("%w: %v", err, s.Err())
		}
		_ = s.Stop(context.Background(), 5*time.Second)
		return nil, fmt.Errorf("%w; output (tail):\n%s", err, s.tail)
	}
	return s, nil
}

// RunServer starts a server like StartServer, on a fresh database unless
// o.DatabaseURL names one, fails the test if it does not become ready, and
// stops it when the test ends (failing the test if it had to be killed,
// and showing its output's tail if the test failed).
func RunServer(tb testing.TB, o ServerOptions) *Server {
	tb.Helper()
	if o.DatabaseURL == "" {
		o.DatabaseURL = NewDatabase(tb)
	}
	grace := o.Grace
	if grace == 0 {
		grace = 15 * time.Second
	}
	s, err := StartServer(context.Background(), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(context.Background(), grace); errors.Is(err, ErrKilled) {
			tb.Errorf("%v", err)
		}
		if tb.Failed() {
			tb.Logf("%s output (tail):\n%s", o.Binary, s.tail)
		}
	})
	return s
}

// WaitReady polls base+"/readyz" every 100 ms until it answers 200; it
// fails when exited is closed first, when within passes, or when ctx ends.
func WaitReady(ctx context.Context, base string, exited <-chan struct{}, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return fmt.Errorf("testenv: readiness request: %w", err)
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		select {
		case <-exited:
			return fmt.Errorf("testenv: server at %s exited before it was ready", base)
		case <-ctx.Done():
			return fmt.Errorf("testenv: server at %s not ready within %v: %w (last: %v)", base, within, ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

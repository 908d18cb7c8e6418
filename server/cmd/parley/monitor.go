package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/monitor"
	"github.com/parleychat/parley/server/web"
)

// wireMonitor binds the admin listener (pprof and /metrics) and adds it and
// the memory sampler to the server's background work. It binds here, before
// the public port, so that a taken admin port stops start-up with a line
// naming the variable instead of a replica serving without its profiler.
func wireMonitor(s *server, cfg *config.Config, log *slog.Logger, reg *prometheus.Registry) error {
	sampler, err := monitor.New(monitor.Options{Registerer: reg, Sockets: s.sockets, Logger: log, Warn: cfg.MemoryWarn})
	if err != nil {
		return err
	}
	s.background = append(s.background, sampler.Run)
	if cfg.AdminAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		return fmt.Errorf("PARLEY_ADMIN_ADDR: cannot listen on %s (another replica on this machine needs its own port): %w", cfg.AdminAddr, err)
	}
	s.onClose(func() { _ = ln.Close() })
	srv := &http.Server{Handler: web.AdminHandler(reg), ReadHeaderTimeout: 10 * time.Second}
	log.Info("parley admin listener", "addr", ln.Addr().String())
	s.background = append(s.background, func(ctx context.Context) error {
		return serveAdmin(ctx, srv, ln)
	})
	return nil
}

// serveAdmin serves until ctx ends, then gives requests in flight a moment
// (a CPU profile may be running) before cutting them.
func serveAdmin(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("admin listener: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin listener: %w", err)
	}
	return ctx.Err()
}

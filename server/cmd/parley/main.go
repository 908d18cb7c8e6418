// Command parley is the Parley chat server: the JSON API, the WebSocket, the
// embedded web app and its server-rendered fallbacks, in one binary whose
// replicas share PostgreSQL and, when configured, Valkey.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/parleychat/parley/server/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, config.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

// run is main without the process: tests call it with their own
// environment and cancel ctx to stop the server as a signal would.
func run(ctx context.Context, getenv func(string) string, logOut *os.File) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	srv, err := wire(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.close()
	err = srv.serve(ctx)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

package main

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/web"
)

// realtime is the WebSocket side, attached to the app once it exists.
type realtime struct {
	attach func(a *app.App) fiber.Handler
}

func wireRealtime(ctx context.Context, s *server, cfg *config.Config, log *slog.Logger, reg *prometheus.Registry, stores *storeSet, checks *[]web.Check) (*realtime, error) {
	return &realtime{attach: func(*app.App) fiber.Handler { return nil }}, nil
}

package main

import (
	"log/slog"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/web"
)

func wirePages(w *web.Server, a *app.App, cfg *config.Config, log *slog.Logger) error {
	return nil
}

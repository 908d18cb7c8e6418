package main

import (
	"fmt"
	"log/slog"

	"github.com/parleychat/parley/assets"
	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/pages"
	"github.com/parleychat/parley/server/static"
	"github.com/parleychat/parley/server/web"
)

// wirePages registers, after the API, the embedded web app's files and the
// server-rendered pages that also give it its first paint.
func wirePages(w *web.Server, a *app.App, cfg *config.Config, log *slog.Logger) error {
	st, err := static.New(assets.Dist(), static.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("load the embedded web app: %w", err)
	}
	pg, err := pages.New(pages.Options{
		App:            a,
		Static:         st,
		AllowedOrigins: cfg.AllowedOrigins,
		SessionMaxAge:  a.SessionTTL(),
		Guard:          w.Guard(),
		Logger:         log,
		Admins:         cfg.Admins,
	})
	if err != nil {
		return fmt.Errorf("load the pages: %w", err)
	}
	st.Register(w.Fiber())
	pg.Register(w.Fiber())
	return nil
}

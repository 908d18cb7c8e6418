package main

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valkey-io/valkey-go"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/valkeystore"
	"github.com/parleychat/parley/server/web"
)

// wireRealtime builds the hub over the in-process broker, or over Valkey
// when it is configured, and returns the function that attaches it to the
// app: the hub needs the app to serve sockets, the app the hub to notify.
func wireRealtime(s *server, cfg *config.Config, log *slog.Logger, reg prometheus.Registerer, client valkey.Client) (func(*app.App) fiber.Handler, web.Check) {
	var broker hub.Broker
	var presence hub.Presence
	if client != nil {
		broker = valkeystore.NewBroker(client, cfg.KeyPrefix, log)
		presence = valkeystore.NewPresence(client, cfg.KeyPrefix, 0, log)
	} else {
		broker = inmem.NewBroker()
		presence = inmem.NewPresence()
	}
	h := hub.New(hub.Options{
		Broker:               broker,
		Presence:             presence,
		Logger:               log,
		PingInterval:         cfg.WSPingInterval,
		PongTimeout:          cfg.WSPongTimeout,
		WriteTimeout:         cfg.WSWriteTimeout,
		ReadLimit:            int64(cfg.WSReadLimit),
		QueueSize:            cfg.WSQueueSize,
		Compression:          cfg.WSCompression,
		CompressionThreshold: cfg.WSCompressionThreshold,
		SendRate:             cfg.WSSendRate,
		SendBurst:            cfg.WSSendBurst,
		MaxSocketsPerUser:    socketCap(cfg.WSMaxSocketsPerUser),
		RecheckInterval:      cfg.WSRecheckInterval,
		ConnectSlots:         cfg.Overload.WSConnectSlots,
		ConnectQueue:         cfg.Overload.WSConnectQueueOption(),
		ConnectWait:          cfg.Overload.WSConnectWait,
		PresenceInterval:     cfg.WSPresenceInterval,
		Registerer:           reg,
	})
	s.gates = append(s.gates, h.ConnectGate())
	s.refusals = append(s.refusals, h.ConnectRefusals())
	s.background = append(s.background, h.Run)
	s.sockets = h
	s.drainers = append(s.drainers, h.Shutdown)
	// Losing the broker degrades the replica (delivery stays local, other
	// replicas' clients catch up by resume) without making it unready.
	check := web.Check{Name: "broker", Critical: false, Probe: h.Check}
	attach := func(a *app.App) fiber.Handler {
		a.SetNotifier(h)
		a.SetPresence(h)
		return h.Handler(a)
	}
	return attach, check
}

// socketCap turns the configuration's "0 means no cap" into the hub's
// negative value, since the hub reads zero as "the default".
func socketCap(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

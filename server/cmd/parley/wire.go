package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/monitor"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/valkeystore"
	"github.com/parleychat/parley/server/web"
)

// server is one wired replica and everything it must stop.
type server struct {
	cfg     *config.Config
	log     *slog.Logger
	web     *web.Server
	closers []func()
	// background runs until the serve context ends (the hub's broker loop).
	background []func(ctx context.Context) error
	// drainers run first on shutdown (closing WebSockets with 1001).
	drainers []func(ctx context.Context) error
	// sockets is the hub, read by the memory sampler.
	sockets monitor.Sockets
	// gates are the admission gates whose refusals /metrics counts.
	gates []*admission.Gate
	// refusals are the other refusals /metrics counts beside the gates'.
	refusals []*admission.Tally
}

func (s *server) onClose(f func()) { s.closers = append(s.closers, f) }

func (s *server) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

func wire(ctx context.Context, cfg *config.Config, log *slog.Logger) (_ *server, err error) {
	s := &server{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfo())

	db, err := postgres.Open(ctx, postgres.Options{
		URL:             cfg.DatabaseURL,
		ReadURL:         cfg.DatabaseReadURL,
		MaxOpenConns:    cfg.DBMaxOpen,
		MaxIdleConns:    cfg.DBMaxIdle,
		ConnMaxLifetime: cfg.DBConnMaxLifetime,
		ConnMaxIdleTime: cfg.DBConnMaxIdleTime,
		ReplicaPoll:     cfg.DBReplicaPoll,
		ReplicaMaxLag:   cfg.DBReplicaMaxLag,
		Logger:          log,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s.onClose(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	reg.MustRegister(collectors.NewDBStatsCollector(db.Primary().DB, "primary"))
	batchSize := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "parley_commit_batch_size", Help: "Sends committed together in one group commit.",
		Buckets: prometheus.ExponentialBuckets(1, 2, 9),
	})
	reg.MustRegister(batchSize)
	store := postgres.NewStore(db, postgres.StoreOptions{MaxBatch: cfg.GroupCommitBatch, Committers: cfg.GroupCommitters, QueueSize: cfg.CommitQueue,
		OnBatch: func(n int) { batchSize.Observe(float64(n)) }})
	s.onClose(func() { _ = store.Close() })
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "parley_commit_refused_total", Help: "Sends refused with rate_limited because their committer's queue was full.",
	}, func() float64 { return float64(store.Stats().Refused) }))
	registerReactionMetrics(reg, store)

	stores := storeSet{users: store, sessions: store, rooms: store, messages: store}
	checks := []web.Check{{Name: "postgres", Critical: true, Probe: db.Ping}}
	registerReadMetrics(reg, store, cfg.DatabaseReadURL != "")
	if cfg.DatabaseReadURL != "" {
		// Its reads go to the primary while it is away: degraded, not down.
		checks = append(checks, web.Check{Name: "replica", Probe: db.PingReplica})
	}

	client, err := newValkeyClient(cfg)
	if err != nil {
		return nil, err
	}
	var limiter ratelimit.Limiter = inmem.NewLimiter()
	var backoff ratelimit.Backoff = inmem.NewBackoff()
	if client != nil {
		s.onClose(client.Close)
		limiter = valkeystore.NewLimiter(client, cfg.KeyPrefix)
		backoff = valkeystore.NewBackoff(client, cfg.KeyPrefix)
	}
	attachRealtime, brokerCheck := wireRealtime(s, cfg, log, reg, client)
	checks = append(checks, brokerCheck)
	var countNotModified func(route string)
	if cfg.Cache {
		cached, check, counter := wireCache(cfg, log, reg, client, store)
		stores = storeSet{users: cached, sessions: cached, rooms: cached, messages: cached}
		checks = append(checks, check)
		countNotModified = counter
	}

	appOptions := app.Options{
		Users:      stores.users,
		Sessions:   stores.sessions,
		Rooms:      stores.rooms,
		Messages:   stores.messages,
		Passwords:  app.PasswordParams{MemoryKiB: uint32(cfg.Argon2MemoryKiB), Time: uint32(cfg.Argon2Time)},
		Hashing:    cfg.Overload.Hashing(),
		SessionTTL: cfg.SessionTTL,
		Logger:     log,
	}
	if cfg.SendRate > 0 {
		appOptions.SendLimiter, appOptions.SendRate, appOptions.SendWindow = limiter, cfg.SendRate, cfg.SendWindow
	}
	chatApp := app.New(appOptions)
	s.gates = append(s.gates, chatApp.PasswordGate())
	s.background = append(s.background, pruneSessions(chatApp, cfg.SessionPruneInterval, log))
	wsHandler := attachRealtime(chatApp)
	clusterStats, slowRequests := wireStats(s, cfg, log, reg, client)

	s.web, err = web.New(web.Options{
		App:            chatApp,
		Logger:         log,
		Instance:       cfg.Instance,
		BodyLimit:      cfg.BodyLimit,
		AllowedOrigins: cfg.AllowedOrigins,
		TrustedProxies: cfg.TrustedProxies,
		Registry:       reg,
		Checks:         checks,
		WebSocket:      wsHandler,
		Guard: ratelimit.NewGuard(limiter, backoff, ratelimit.Rules{
			SignInRate:     cfg.AuthRate,
			SignInFailures: cfg.SignInFailures,
			SignInMaxDelay: cfg.SignInMaxDelay,
			RegisterRate:   cfg.RegisterRate,
			AnonRate:       cfg.AnonRate,
			FormRate:       cfg.FormRate,
		}, log),
		OnNotModified: countNotModified,
		Admins:        cfg.Admins,
		Cluster:       clusterStats,
		OnRequest:     slowRequests.Observe,

		RequestTimeout: cfg.Overload.RequestTimeout,
		Gates:          s.gates,
		Refusals:       s.refusals,
	})
	if err != nil {
		return nil, err
	}
	if err := wirePages(s.web, chatApp, cfg, log); err != nil {
		return nil, err
	}
	if err := wireMonitor(s, cfg, log, reg); err != nil {
		return nil, err
	}
	return s, nil
}

// serve listens, runs until ctx ends, then drains: readiness goes 503,
// WebSockets close with 1001, requests in flight finish.
func (s *server) serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	bgCtx, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	errs := make(chan error, 1+len(s.background))
	for _, run := range s.background {
		go func() { errs <- run(bgCtx) }()
	}
	go func() { errs <- s.web.Serve(ln) }()
	s.log.Info("parley serving", "addr", ln.Addr().String(), "instance", s.cfg.Instance)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errs:
		s.log.Error("a server loop stopped", "err", serveErr)
	}
	s.log.Info("parley draining")
	s.web.Drain()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	for _, drain := range s.drainers {
		if err := drain(shutdownCtx); err != nil {
			s.log.Warn("drain", "err", err)
		}
	}
	if err := s.web.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("shutdown", "err", err)
	}
	stopBackground()
	waitAll(errs, len(s.background), 5*time.Second)
	s.log.Info("parley stopped")
	return serveErr
}

func waitAll(errs <-chan error, n int, limit time.Duration) {
	timeout := time.After(limit)
	for i := 0; i < n; i++ {
		select {
		case <-errs:
		case <-timeout:
			return
		}
	}
}

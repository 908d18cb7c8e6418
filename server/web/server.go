// Package web serves Parley's JSON API, health and metrics endpoints over
// Fiber, and mounts the WebSocket handler and the pages given to it.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleychat/parley/server/admission"
	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/web/rules"
)

// Check is one dependency /readyz asks about. A failing critical check makes
// the replica unready; a failing non-critical one only marks it degraded.
type Check struct {
	Name     string
	Critical bool
	Probe    func(ctx context.Context) error
}

// DefaultBodyLimit is the largest request body in bytes unless configured;
// bigger answers 413.
const DefaultBodyLimit = 64 << 10

// Options configure a Server.
type Options struct {
	App    *app.App
	Logger *slog.Logger
	// Instance names this replica in the X-Parley-Instance header.
	Instance string
	// BodyLimit is DefaultBodyLimit when zero.
	BodyLimit      int
	AllowedOrigins []string
	TrustedProxies []string
	// Registry receives the HTTP metrics and is served at /metrics.
	Registry *prometheus.Registry
	Checks   []Check
	// WebSocket is mounted at GET /ws behind authentication and the Origin
	// check; nil leaves /ws unrouted.
	WebSocket fiber.Handler
	// Guard applies the abuse limits (sign-in, sign-up, anonymous
	// requests, form posts); nil limits nothing.
	Guard *ratelimit.Guard
	// OnNotModified counts each 304 by route pattern; nil counts nothing
	// beyond the request metrics.
	OnNotModified func(route string)
	// Admins are the usernames that may see GET /api/v1/admin/cluster,
	// served from Cluster; anybody else gets 404, as does everybody when
	// either is empty.
	Admins  []string
	Cluster ClusterView
	// OnRequest sees every request's route pattern, status and duration
	// (the slow-request list); nil sees nothing.
	OnRequest func(method, route string, status int, d time.Duration)
	// RequestTimeout bounds each API request (and the /ws handshake's
	// authentication); past it the request answers 503 unavailable.
	// DefaultRequestTimeout when zero.
	RequestTimeout time.Duration
	// Gates are the replica's admission gates (password hashing, socket
	// connects): their refusals are served in /metrics with the requests
	// refused at their deadline.
	Gates []*admission.Gate
	// Refusals count, in the same metric, refusals that no gate makes.
	Refusals []*admission.Tally
}

// Server is the HTTP face of one replica.
type Server struct {
	app      *app.App
	log      *slog.Logger
	fiber    *fiber.App
	origins  rules.Origins
	proxies  rules.Proxies
	checks   []Check
	draining atomic.Bool
	metrics  *httpMetrics
	instance string
	guard    *ratelimit.Guard
	counted  func(route string)
	admin    admin
	// requestTimeout and deadlines: see withDeadline.
	requestTimeout time.Duration
	deadlines      *admission.Tally
}

// New builds the Fiber app with every API route registered.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	s := &Server{
		app:      o.App,
		log:      o.Logger,
		origins:  rules.NewOrigins(o.AllowedOrigins),
		checks:   o.Checks,
		instance: o.Instance,
		guard:    o.Guard,
		counted:  o.OnNotModified,
		admin:    newAdmin(o),

		requestTimeout: o.RequestTimeout,
		deadlines:      admission.NewTally("request", "deadline"),
	}
	proxies, err := rules.ParseProxies(o.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.proxies = proxies
	m, err := newHTTPMetrics(o.Registry)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	if err := o.Registry.Register(newReadinessCollector(s.checks)); err != nil {
		return nil, fmt.Errorf("web: register readiness: %w", err)
	}
	if err := o.Registry.Register(admission.NewCollector(o.Gates, append(o.Refusals, s.deadlines)...)); err != nil {
		return nil, fmt.Errorf("web: register admission: %w", err)
	}
	s.fiber = fiber.New(fiber.Config{
		AppName:               "parley",
		BodyLimit:             o.BodyLimit,
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		// fasthttp applies ReadTimeout to a kept-alive connection waiting
		// for its next request too, so it matches IdleTimeout.
		ReadTimeout:    120 * time.Second,
		WriteTimeout:   30 * time.Second,
		IdleTimeout:    120 * time.Second,
		ReadBufferSize: 8192,
		// One spelling per route: /WS or /ws/ must not reach the /ws
		// handler past checks written for /ws (rules.Canonicalize
		// redirects or refuses the other spellings).
		CaseSensitive: true,
		StrictRouting: true,
		// Only X-Forwarded-Proto is read through Fiber's proxy trust (for
		// Secure cookies); the client address comes from rules.Proxies,
		// never from c.IP(), which would return the raw header.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          o.TrustedProxies,
	})
	s.fiber.Server().Handler = refuseUnknownMethods(s.fiber.Server().Handler)
	s.routes(o)
	return s, nil
}

// Guard is the abuse limits, for the pages' forms.
func (s *Server) Guard() *ratelimit.Guard { return s.guard }

// Origins is the Origin policy, for the pages' forms.
func (s *Server) Origins() rules.Origins { return s.origins }

// Fiber returns the underlying app so that pages and static files can be
// registered after the API.
func (s *Server) Fiber() *fiber.App { return s.fiber }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.fiber.Listener(ln); err != nil {
		return fmt.Errorf("web: serve: %w", err)
	}
	return nil
}

// Drain makes /readyz answer 503 so that load balancers stop sending new
// work, while requests in flight go on.
func (s *Server) Drain() { s.draining.Store(true) }

// Shutdown stops accepting connections and waits for requests in flight,
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Drain()
	if err := s.fiber.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return nil
}

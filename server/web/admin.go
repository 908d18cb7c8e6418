package web

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/stats"
	"github.com/parleychat/parley/server/web/rules"
)

// ClusterView answers the admin dashboard: every live replica's snapshot
// and their total.
type ClusterView interface {
	Cluster(ctx context.Context) (stats.Cluster, error)
}

// admin is what the operators' dashboard needs from the web layer: who may
// see it, what it shows, and the hook that lists slow requests.
type admin struct {
	names     map[string]bool
	cluster   ClusterView
	onRequest func(method, route string, status int, d time.Duration)
}

func newAdmin(o Options) admin {
	a := admin{names: map[string]bool{}, cluster: o.Cluster, onRequest: o.OnRequest}
	for _, n := range o.Admins {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			a.names[n] = true
		}
	}
	return a
}

// observeRequest feeds the slow-request list; a no-op when not wired.
func (a admin) observeRequest(method, route string, status int, d time.Duration) {
	if a.onRequest != nil {
		a.onRequest(method, route, status, d)
	}
}

// adminOnly lets admins through and answers everyone else, anonymous
// callers and bad tokens included, the 404 any unknown path gets: the
// dashboard's existence is not advertised.
func (s *Server) adminOnly(c *fiber.Ctx) error {
	notFound := chat.Errorf(chat.ENOTFOUND, "Not found.")
	token := rules.SessionToken(c, false)
	if token == "" || len(s.admin.names) == 0 || s.admin.cluster == nil {
		return notFound
	}
	u, sess, err := s.app.AuthenticateSession(c.UserContext(), token)
	if chat.ErrorCode(err) == chat.EUNAUTHENTICATED {
		// A made-up token counts as an anonymous request, as elsewhere.
		if lerr := s.guard.Anonymous(c.UserContext(), rules.ClientIP(c)); lerr != nil {
			return lerr
		}
		return notFound
	}
	if err != nil {
		return err
	}
	if !s.admin.names[strings.ToLower(u.Username)] {
		return notFound
	}
	c.Locals(rules.LocalUser, u)
	c.Locals(rules.LocalSession, sess)
	return c.Next()
}

// cluster answers the whole cluster's figures; never cached, since they
// change every two seconds.
func (s *Server) cluster(c *fiber.Ctx) error {
	view, err := s.admin.cluster.Cluster(c.UserContext())
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, view)
}

// Draining reports whether a drain has begun (readiness answers 503).
// The stats snapshot reads the dependencies' state from the registry, so
// this is all it asks here: no probe of its own every 2 s.
func (s *Server) Draining() bool { return s.draining.Load() }

package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

// originPolicy decides which browser origins may use a session cookie to
// write or to open a WebSocket: the site itself plus configured ones. It is
// what stops cross-site request forgery and WebSocket hijacking.
type originPolicy struct {
	allowed map[string]bool
}

func newOriginPolicy(allowed []string) originPolicy {
	p := originPolicy{allowed: map[string]bool{}}
	for _, o := range allowed {
		p.allowed[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	return p
}

// allows reports whether origin may act on a request addressed to host.
func (p originPolicy) allows(origin, host string) bool {
	if p.allowed[strings.ToLower(origin)] {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

// checkOrigin refuses a request whose Origin header names another site. It
// runs on the WebSocket upgrade and on every API write: requests without
// Origin (non-browser clients, same-origin GETs) pass, and Bearer-token
// clients are not exposed to forgery because browsers never add that header
// by themselves.
func (s *Server) checkOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || s.origins.allows(origin, string(c.Request().Host())) {
		return c.Next()
	}
	if c.Method() == fiber.MethodGet && c.Path() != "/ws" {
		return c.Next()
	}
	if strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ") && c.Path() != "/ws" {
		return c.Next()
	}
	return chat.Errorf(chat.EFORBIDDEN, "Requests from origin %s are not allowed.", origin)
}

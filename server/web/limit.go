package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/web/rules"
)

// limitAnonymous counts requests that carry no credential against their
// address's budget. Probes (/healthz, /readyz) and metrics scrapes come
// from the platform, not from users, and are never limited.
func (s *Server) limitAnonymous(c *fiber.Ctx) error {
	if s.guard == nil || rules.HasCredential(c) {
		return c.Next()
	}
	switch c.Path() {
	case "/healthz", "/readyz", "/metrics":
		return c.Next()
	}
	if err := s.guard.Anonymous(c.UserContext(), rules.ClientIP(c)); err != nil {
		return err
	}
	return c.Next()
}

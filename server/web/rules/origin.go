package rules

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// Origins decides which browser origins may act with a session cookie: post
// a form, write through the API, open a WebSocket. The site itself (the
// Host the request was sent to) always may, plus the configured origins.
// It is what stops cross-site request forgery and WebSocket hijacking.
type Origins struct {
	allowed map[string]bool
}

// NewOrigins builds the policy; allowed are origins such as
// "https://chat.example.com".
func NewOrigins(allowed []string) Origins {
	o := Origins{allowed: make(map[string]bool, len(allowed))}
	for _, a := range allowed {
		o.allowed[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(a), "/"))] = true
	}
	return o
}

// SameSite reports whether the request comes from the site or an allowed
// origin. Browsers send Origin on every POST and WebSocket handshake; when
// it is missing (an old browser, curl) Sec-Fetch-Site, if present, judges.
func (o Origins) SameSite(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return c.Get("Sec-Fetch-Site") != "cross-site"
	}
	if o.allowed[strings.ToLower(origin)] {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, string(c.Request().Host()))
}

func refused(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return chat.Errorf(chat.EFORBIDDEN, "Cross-site requests are not allowed.")
	}
	return chat.Errorf(chat.EFORBIDDEN, "Requests from origin %s are not allowed.", origin)
}

// RequireSameSite refuses any request from another site: for the
// WebSocket upgrade, whose cookie a cross-site page would otherwise ride.
func (o Origins) RequireSameSite(c *fiber.Ctx) error {
	if !o.SameSite(c) {
		return refused(c)
	}
	return c.Next()
}

// GuardUpgrades refuses a cross-site WebSocket handshake on any path, so
// that the check does not depend on which route ends up serving it.
func (o Origins) GuardUpgrades(c *fiber.Ctx) error {
	if IsUpgrade(c) && !o.SameSite(c) {
		return refused(c)
	}
	return c.Next()
}

// GuardWrites refuses a cross-site write. Safe methods pass (they change
// nothing), and so do requests with a Bearer token: browsers never add
// that header by themselves, so it cannot be forged across sites.
func (o Origins) GuardWrites(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if _, ok := BearerToken(c); ok {
		return c.Next()
	}
	if !o.SameSite(c) {
		return refused(c)
	}
	return c.Next()
}

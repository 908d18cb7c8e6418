package pages

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/parleychat/parley/server/chat"
)

// currentUser returns the signed-in user, or nil when the request carries
// no valid session. A stale cookie is cleared so the browser stops sending
// it; only an infrastructure failure is an error.
func (p *Pages) currentUser(c *fiber.Ctx) (*chat.User, error) {
	token := c.Cookies(SessionCookie)
	if token == "" {
		return nil, nil
	}
	u, err := p.app.Authenticate(c.UserContext(), token)
	switch chat.ErrorCode(err) {
	case "":
		return u, nil
	case chat.EUNAUTHENTICATED:
		p.clearSession(c)
		return nil, nil
	default:
		return nil, err
	}
}

func (p *Pages) setSession(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(p.maxAge.Seconds()),
		Secure:   c.Protocol() == "https",
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (p *Pages) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		Expires:  fasthttp.CookieExpireDelete,
		Secure:   c.Protocol() == "https",
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func originSet(allowed []string) map[string]bool {
	m := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		m[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(o), "/"))] = true
	}
	return m
}

// sameOrigin refuses a form posted from another site, which SameSite=Lax
// alone does not stop for top-level POSTs from a sibling subdomain or an
// older browser. The site itself is the Host the request was sent to, as
// for the JSON API; a request without Origin (an old browser, curl) is
// judged by Sec-Fetch-Site when present.
func (p *Pages) sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		if c.Get("Sec-Fetch-Site") == "cross-site" {
			return p.refuseCrossSite(c)
		}
		return c.Next()
	}
	if p.origins[strings.ToLower(origin)] {
		return c.Next()
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, string(c.Request().Host())) {
		return c.Next()
	}
	return p.refuseCrossSite(c)
}

func (p *Pages) refuseCrossSite(c *fiber.Ctx) error {
	return p.errorPage(c, nil, chat.Errorf(chat.EFORBIDDEN, "Forms may only be posted from this site."))
}

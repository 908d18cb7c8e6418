package pages

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

// currentUser returns the signed-in user, or nil when the request carries
// no valid session. A stale cookie is cleared so the browser stops sending
// it; only an infrastructure failure is an error.
func (p *Pages) currentUser(c *fiber.Ctx) (*chat.User, error) {
	token := rules.CookieToken(c)
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
	rules.SetSessionCookie(c, token, p.maxAge)
}

func (p *Pages) clearSession(c *fiber.Ctx) { rules.ClearSessionCookie(c) }

// sameOrigin refuses a form posted from another site, which SameSite=Lax
// alone does not stop for top-level POSTs from a sibling subdomain or an
// older browser: the same Origin policy as the JSON API's writes.
func (p *Pages) sameOrigin(c *fiber.Ctx) error {
	if !p.origins.SameSite(c) {
		return p.errorPage(c, nil, chat.Errorf(chat.EFORBIDDEN, "Forms may only be posted from this site."))
	}
	return c.Next()
}

// limitForm gives form posts their own budget per client address, apart
// from the sign-in limits, so that posting messages through the pages
// cannot lock anyone out of signing in, and the reverse.
func (p *Pages) limitForm(c *fiber.Ctx) error {
	if err := p.guard.Form(c.UserContext(), rules.ClientIP(c)); err != nil {
		return p.errorPage(c, nil, err)
	}
	return c.Next()
}

// checkInput refuses a form whose fields hold a NUL byte or invalid
// UTF-8, as the API refuses such a request, with the error page.
func (p *Pages) checkInput(c *fiber.Ctx) error {
	if err := rules.BadInput(c); err != nil {
		return p.errorPage(c, nil, err)
	}
	return c.Next()
}

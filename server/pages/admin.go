package pages

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

func adminSet(names []string) map[string]bool {
	set := map[string]bool{}
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			set[n] = true
		}
	}
	return set
}

// admin serves the SPA's shell for the operators' dashboard to admins, and
// to everybody else the same 404 page as any path that does not exist, so
// that the page's existence is not advertised. The answer depends on who
// asks, so it is never shared by caches (page marks a signed-in user's
// answer private).
func (p *Pages) admin(c *fiber.Ctx) error {
	notFound := chat.Errorf(chat.ENOTFOUND, "There is no page here.")
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil || !p.admins[strings.ToLower(u.Username)] || !p.layout.spa {
		return p.errorPage(c, u, notFound)
	}
	c.Set(fiber.HeaderVary, "Cookie")
	return p.page(c, fiber.StatusOK, "app", "", &view{User: u}, "")
}

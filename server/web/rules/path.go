package rules

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// CanonicalPath is the one spelling of a path that routes may match:
// repeated slashes collapsed and no trailing slash (except for "/"). Case is
// kept: routing is case-sensitive, and built asset names mix cases.
func CanonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, "//") && (len(p) == 1 || p[len(p)-1] != '/') {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && b.Len() > 0 && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	out := b.String()
	if len(out) > 1 {
		out = strings.TrimRight(out, "/")
	}
	if out == "" || out[0] != '/' {
		out = "/" + out
	}
	return out
}

// Canonicalize must run before any route: the router is case-sensitive and
// strict about slashes (see FiberConfig), and a request for another
// spelling of a path is sent to the canonical one (a GET for a page) or
// refused, so that no check can be passed around by respelling a path.
func Canonicalize(c *fiber.Ctx) error {
	p := c.Path()
	canon := CanonicalPath(p)
	if canon == p {
		return c.Next()
	}
	if (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) && !IsUpgrade(c) && !Reserved(canon) {
		target := canon
		if q := c.Request().URI().QueryString(); len(q) > 0 {
			target += "?" + string(q)
		}
		return c.Redirect(target, fiber.StatusPermanentRedirect)
	}
	return chat.Errorf(chat.ENOTFOUND, "Not found.")
}

// reservedPrefixes are the paths that are not pages: the API, the socket,
// the build and operations. Their answers keep their own format.
var reservedPrefixes = []string{"/api", "/ws", "/assets", "/metrics", "/healthz", "/readyz", "/debug"}

// Reserved reports whether path belongs to the API, the socket, the build
// or operations, in any letter case.
func Reserved(path string) bool {
	for _, prefix := range reservedPrefixes {
		if len(path) < len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
			continue
		}
		if rest := path[len(prefix):]; rest == "" || rest[0] == '/' {
			return true
		}
	}
	return false
}

// IsUpgrade reports whether the request asks for a WebSocket, whatever
// its path.
func IsUpgrade(c *fiber.Ctx) bool {
	return strings.EqualFold(c.Get(fiber.HeaderUpgrade), "websocket")
}

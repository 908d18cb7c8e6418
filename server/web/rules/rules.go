// Package rules holds what every web layer of Parley (the JSON API, the
// WebSocket upgrade and the server-rendered pages) must decide the same
// way: the canonical path, the Origin policy, the client's address, the
// session cookie, the error-code→status table, If-None-Match and the keys
// under which a request's user and session are kept. One copy of each, so
// that a rule cannot hold on one route and slip on another.
package rules

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

const (
	// SessionCookie carries the session token in browsers.
	SessionCookie = "parley_session"
	// LocalUser is where the authenticated *chat.User is kept in Locals
	// (and so in a WebSocket connection's Locals): the hub's UserLocal.
	LocalUser = "parley.user"
	// LocalSession holds the chat.Session the request was authenticated
	// with, so that a socket can end with its session: the hub's
	// SessionLocal.
	LocalSession = "parley.session"
	// LocalToken holds the raw token of an authenticated request.
	LocalToken = "parley.token"
	// maxToken bounds what is worth looking up: real tokens are 43 bytes.
	maxToken = 128
)

// SessionToken finds the caller's token: a Bearer header, else the
// cookie, else (WebSocket only, where browsers cannot set headers) the
// token query parameter.
func SessionToken(c *fiber.Ctx, allowQuery bool) string {
	if t, ok := BearerToken(c); ok {
		return t
	}
	if t := CookieToken(c); t != "" {
		return t
	}
	if allowQuery {
		return strings.Clone(c.Query("token"))
	}
	return ""
}

// BearerToken returns the token of an Authorization: Bearer header.
func BearerToken(c *fiber.Ctx) (string, bool) {
	t, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok {
		return "", false
	}
	return strings.Clone(strings.TrimSpace(t)), true
}

// CookieToken returns the session cookie's token, the only credential the
// pages accept.
func CookieToken(c *fiber.Ctx) string {
	return strings.Clone(c.Cookies(SessionCookie))
}

// HasCredential reports whether the request carries any session token,
// valid or not.
func HasCredential(c *fiber.Ctx) bool {
	if _, ok := BearerToken(c); ok {
		return true
	}
	return len(c.Request().Header.Cookie(SessionCookie)) > 0
}

// SetSessionCookie hands the browser its session token.
func SetSessionCookie(c *fiber.Ctx, token string, ttl time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(ttl.Seconds()),
		Expires:  time.Now().Add(ttl),
		HTTPOnly: true,
		Secure:   c.Protocol() == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// ClearSessionCookie makes the browser forget its session token.
func ClearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		Expires:  time.Unix(0, 0),
		HTTPOnly: true,
		Secure:   c.Protocol() == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// CurrentUser is the user an authentication middleware left in Locals.
func CurrentUser(c *fiber.Ctx) *chat.User {
	u, _ := c.Locals(LocalUser).(*chat.User)
	return u
}

// ValidToken reports whether a token is worth a lookup at all.
func ValidToken(token string) bool { return token != "" && len(token) <= maxToken }

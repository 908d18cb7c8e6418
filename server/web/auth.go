package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

const (
	// SessionCookie carries the session token in browsers.
	SessionCookie = "parley_session"
	// LocalUser is where the authenticated *chat.User is stored in
	// fiber.Ctx Locals (and so in a WebSocket connection's Locals).
	LocalUser  = "parley.user"
	localToken = "parley.token"
)

// sessionToken finds the caller's token: the cookie, else a Bearer header,
// else (WebSocket only, where browsers cannot set headers) ?token=.
func sessionToken(c *fiber.Ctx, allowQuery bool) string {
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
	}
	if t := c.Cookies(SessionCookie); t != "" {
		return t
	}
	if allowQuery {
		return c.Query("token")
	}
	return ""
}

// authenticate requires a valid session and stores its user in Locals.
func (s *Server) authenticate(allowQuery bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := sessionToken(c, allowQuery)
		if token == "" {
			return chat.Errorf(chat.EUNAUTHENTICATED, "Sign in first.")
		}
		u, err := s.app.Authenticate(c.UserContext(), token)
		if err != nil {
			return err
		}
		c.Locals(LocalUser, u)
		c.Locals(localToken, token)
		return c.Next()
	}
}

func currentUser(c *fiber.Ctx) *chat.User {
	u, _ := c.Locals(LocalUser).(*chat.User)
	return u
}

func setSessionCookie(c *fiber.Ctx, token string, ttl time.Duration) {
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

func clearSessionCookie(c *fiber.Ctx) {
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

type credentialsRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

type sessionAnswer struct {
	User  *chat.User `json:"user"`
	Token string     `json:"token"`
}

func (s *Server) register(c *fiber.Ctx) error {
	var req credentialsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, token, err := s.app.Register(c.UserContext(), req.Username, req.Password, req.DisplayName)
	if err != nil {
		return err
	}
	setSessionCookie(c, token, s.app.SessionTTL())
	return writeJSON(c, fiber.StatusCreated, sessionAnswer{User: u, Token: token})
}

func (s *Server) login(c *fiber.Ctx) error {
	var req credentialsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, token, err := s.app.Login(c.UserContext(), req.Username, req.Password)
	if err != nil {
		return err
	}
	setSessionCookie(c, token, s.app.SessionTTL())
	return writeJSON(c, fiber.StatusOK, sessionAnswer{User: u, Token: token})
}

// logout revokes the session the request carries, if any, and always
// clears the cookie: signing out twice is not an error.
func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.app.Logout(c.UserContext(), sessionToken(c, false)); err != nil {
		return err
	}
	clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	return s.sendCacheable(c, map[string]any{"user": currentUser(c)})
}

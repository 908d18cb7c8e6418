package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

const (
	// SessionCookie carries the session token in browsers.
	SessionCookie = rules.SessionCookie
	// LocalUser is where the authenticated *chat.User is stored in
	// fiber.Ctx Locals (and so in a WebSocket connection's Locals).
	LocalUser = rules.LocalUser
)

// authenticate requires a valid session and stores its user, token and
// session in Locals: the hub reads the session to close a socket when it
// ends. A failed attempt counts as an anonymous request, so that made-up
// tokens cannot get around that limit.
func (s *Server) authenticate(allowQuery bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := rules.SessionToken(c, allowQuery)
		if token == "" {
			return chat.Errorf(chat.EUNAUTHENTICATED, "Sign in first.")
		}
		u, sess, err := s.app.AuthenticateSession(c.UserContext(), token)
		if err != nil {
			if chat.ErrorCode(err) == chat.EUNAUTHENTICATED {
				if lerr := s.guard.Anonymous(c.UserContext(), rules.ClientIP(c)); lerr != nil {
					return lerr
				}
			}
			return err
		}
		c.Locals(rules.LocalUser, u)
		c.Locals(rules.LocalSession, sess)
		c.Locals(rules.LocalToken, token)
		return c.Next()
	}
}

func currentUser(c *fiber.Ctx) *chat.User { return rules.CurrentUser(c) }

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
	if err := s.guard.Register(c.UserContext(), rules.ClientIP(c)); err != nil {
		return err
	}
	u, token, err := s.app.Register(c.UserContext(), req.Username, req.Password, req.DisplayName)
	if err != nil {
		return err
	}
	rules.SetSessionCookie(c, token, s.app.SessionTTL())
	return writeJSON(c, fiber.StatusCreated, sessionAnswer{User: u, Token: token})
}

func (s *Server) login(c *fiber.Ctx) error {
	var req credentialsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var (
		u     *chat.User
		token string
	)
	err := s.guard.SignIn(c.UserContext(), rules.ClientIP(c), req.Username, func() error {
		var err error
		u, token, err = s.app.Login(c.UserContext(), req.Username, req.Password)
		return err
	})
	if err != nil {
		return err
	}
	rules.SetSessionCookie(c, token, s.app.SessionTTL())
	return writeJSON(c, fiber.StatusOK, sessionAnswer{User: u, Token: token})
}

// logout revokes the session the request carries, if any, and always
// clears the cookie: signing out twice is not an error.
func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.app.Logout(c.UserContext(), rules.SessionToken(c, false)); err != nil {
		return err
	}
	rules.ClearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	return s.sendCacheable(c, map[string]any{"user": currentUser(c)})
}

package web

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) searchUsers(c *fiber.Ctx) error {
	users, err := s.app.SearchUsers(c.UserContext(), currentUser(c), c.Query("q"))
	if err != nil {
		return err
	}
	return s.sendCacheable(c, map[string]any{"users": users})
}

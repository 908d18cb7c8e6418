package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// addReaction is PUT /rooms/:id/messages/:seq/reactions/:emoji: 204
// whether or not the reaction was there before.
func (s *Server) addReaction(c *fiber.Ctx) error {
	id, seq, emoji, err := reactionPath(c)
	if err != nil {
		return err
	}
	if err := s.app.AddReaction(c.UserContext(), currentUser(c), id, seq, emoji); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeReaction is DELETE of the same path: 204 whether or not the
// reaction was there.
func (s *Server) removeReaction(c *fiber.Ctx) error {
	id, seq, emoji, err := reactionPath(c)
	if err != nil {
		return err
	}
	if err := s.app.RemoveReaction(c.UserContext(), currentUser(c), id, seq, emoji); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// reactionPath reads the room id, seq and the URL-decoded emoji. The
// router matches the raw path, so the emoji arrives percent-encoded (or
// as raw UTF-8, which decoding leaves alone).
func reactionPath(c *fiber.Ctx) (id, seq int64, emoji string, err error) {
	if id, seq, err = messagePath(c); err != nil {
		return 0, 0, "", err
	}
	emoji, err = url.PathUnescape(c.Params("emoji"))
	if err != nil {
		return 0, 0, "", chat.Invalid("emoji", "emoji must be a single emoji.")
	}
	return id, seq, emoji, nil
}

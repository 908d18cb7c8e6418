package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

type searchAnswer struct {
	Messages []chat.SearchHit `json:"messages"`
	HasMore  bool             `json:"has_more"`
}

// searchMessages answers GET /api/v1/search. Every parameter is checked
// before anything is read; the answer is the caller's own, cached under
// their rooms' versions (see cache.Stores.SearchMessages), and its ETag is
// the body's, so a repeat that finds the same answers costs no bytes.
func (s *Server) searchMessages(c *fiber.Ctx) error {
	search, err := chat.ParseSearch(c.Query("q"))
	if err != nil {
		return err
	}
	if search.RoomID, err = queryPositive(c, "room_id"); err != nil {
		return err
	}
	if search.BeforeID, err = queryPositive(c, "before_id"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return chat.Invalid("limit", "limit must be between 1 and %d.", chat.SearchMaxLimit)
	}
	search.Limit = int(min(limit, chat.SearchMaxLimit+1))
	if err := chat.ValidateSearchPage(&search, c.Query("limit") != ""); err != nil {
		return err
	}
	u := currentUser(c)
	hits, more, err := s.app.SearchMessages(chat.ReadsMayLag(c.UserContext(), u.ID), u, search)
	if err != nil {
		return err
	}
	return s.sendCacheable(c, searchAnswer{Messages: hits, HasMore: more})
}

// queryPositive reads an optional positive integer query parameter (an
// id); given, it must be one.
func queryPositive(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, chat.Invalid(name, "%s must be a positive integer.", name)
	}
	return n, nil
}

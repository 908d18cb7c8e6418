package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

// pathID reads a positive int64 path parameter. A malformed id cannot name
// anything, so it answers not_found like a missing one.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, chat.Errorf(chat.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, chat.Invalid(name, "%s must be a non-negative integer.", name)
	}
	return n, nil
}

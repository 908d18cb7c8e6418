package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
)

// pageQuery reads a keyset page from before_seq, after_seq and limit, as
// history and a thread's replies take it. after_seq given (0 included)
// pages forward from there.
func pageQuery(c *fiber.Ctx) (chat.Page, error) {
	var p chat.Page
	var err error
	if p.BeforeSeq, err = queryInt(c, "before_seq"); err != nil {
		return p, err
	}
	if p.AfterSeq, err = queryInt(c, "after_seq"); err != nil {
		return p, err
	}
	p.Forward = c.Query("after_seq") != ""
	limit, err := queryInt(c, "limit")
	if err != nil {
		return p, err
	}
	if limit == 0 && c.Query("limit") != "" {
		return p, chat.Invalid("limit", "limit must be between 1 and %d.", chat.PageMaxLimit)
	}
	p.Limit = int(min(limit, chat.PageMaxLimit))
	return app.ValidatePage(p)
}

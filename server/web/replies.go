package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// listReplies answers a page of a thread: the replies to message seq. Its
// ETag is known before any reply is read: the room's rev (edits and
// deletes), the parent's reply_count (every reply moves it; replies are
// never removed) and the page asked for. The parent comes from the cache,
// so a poll while the thread is quiet answers 304 without a query, and a
// message elsewhere in the room leaves it alone.
func (s *Server) listReplies(c *fiber.Ctx) error {
	id, seq, err := messagePath(c)
	if err != nil {
		return err
	}
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	room, parent, err := s.app.Thread(c.UserContext(), u, id, seq)
	if err != nil {
		return err
	}
	etag := etagOf(
		[]byte("replies"),
		strconv.AppendInt(nil, room.ID, 10),
		strconv.AppendInt(nil, room.Rev, 10),
		strconv.AppendInt(nil, parent.Seq, 10),
		strconv.AppendInt(nil, int64(parent.ReplyCount), 10),
		strconv.AppendInt(nil, p.BeforeSeq, 10),
		strconv.AppendInt(nil, p.AfterSeq, 10),
		strconv.AppendInt(nil, int64(p.Limit), 10),
		strconv.AppendBool(nil, p.Forward),
	)
	if s.notModified(c, etag) {
		return nil
	}
	msgs, more, err := s.app.Replies(c.UserContext(), u, id, seq, p)
	if err != nil {
		return err
	}
	body, err := encodeJSON(messagesAnswer{Messages: msgs, HasMore: more})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(body)
}

package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

type messagesAnswer struct {
	Messages []chat.Message `json:"messages"`
	HasMore  bool           `json:"has_more"`
}

type messageAnswer struct {
	Message *chat.Message `json:"message"`
}

// listMessages answers a history page. Its ETag is the room's version
// (last_seq, rev), the page asked for and the version of the reactions the
// page can show (the counts of its blocks and the caller's own), known
// before any message is read: a poll while nothing is new answers 304
// after the access check and one version read.
func (s *Server) listMessages(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	room, _, err := s.app.RoomAccess(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	reactions, err := s.app.ReactionsVersion(c.UserContext(), u, room, p)
	if err != nil {
		return err
	}
	etag := ""
	if reactions != "" {
		etag = etagOf(
			[]byte("messages"),
			strconv.AppendInt(nil, room.ID, 10),
			strconv.AppendInt(nil, room.LastSeq, 10),
			strconv.AppendInt(nil, room.Rev, 10),
			strconv.AppendInt(nil, p.BeforeSeq, 10),
			strconv.AppendInt(nil, p.AfterSeq, 10),
			strconv.AppendInt(nil, int64(p.Limit), 10),
			strconv.AppendBool(nil, p.Forward),
			[]byte(reactions),
		)
		if s.notModified(c, etag) {
			return nil
		}
	}
	msgs, more, err := s.app.Messages(chat.ReadsMayLag(c.UserContext(), u.ID), u, id, p)
	if err != nil {
		return err
	}
	body, err := encodeJSON(messagesAnswer{Messages: msgs, HasMore: more})
	if err != nil {
		return err
	}
	if etag == "" {
		// No version of the reactions to be had (no cache, or it is down):
		// the body is its own version.
		if s.notModified(c, etagOf(body)) {
			return nil
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(body)
}

type sendRequest struct {
	Body     string `json:"body"`
	ClientID string `json:"client_id"`
	// ReplyTo makes the message a reply (replies.go); null is none.
	ReplyTo *int64 `json:"reply_to"`
}

func (s *Server) sendMessage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req sendRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var msg *chat.Message
	var created bool
	if req.ReplyTo != nil {
		msg, created, err = s.app.SendReply(c.UserContext(), currentUser(c), id, *req.ReplyTo, req.Body, req.ClientID)
	} else {
		msg, created, err = s.app.SendMessage(c.UserContext(), currentUser(c), id, req.Body, req.ClientID)
	}
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return writeJSON(c, status, messageAnswer{Message: msg})
}

type editRequest struct {
	Body string `json:"body"`
}

func (s *Server) editMessage(c *fiber.Ctx) error {
	id, seq, err := messagePath(c)
	if err != nil {
		return err
	}
	var req editRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	msg, err := s.app.EditMessage(c.UserContext(), currentUser(c), id, seq, req.Body)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, messageAnswer{Message: msg})
}

func (s *Server) deleteMessage(c *fiber.Ctx) error {
	id, seq, err := messagePath(c)
	if err != nil {
		return err
	}
	if err := s.app.DeleteMessage(c.UserContext(), currentUser(c), id, seq); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// messagePath reads the room id and seq of /rooms/:id/messages/:seq.
func messagePath(c *fiber.Ctx) (id, seq int64, err error) {
	if id, err = pathID(c, "id"); err != nil {
		return 0, 0, err
	}
	if seq, err = pathID(c, "seq"); err != nil {
		return 0, 0, err
	}
	return id, seq, nil
}

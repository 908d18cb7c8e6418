package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/parleychat/parley/server/chat"
)

type roomsAnswer struct {
	Rooms []chat.Room `json:"rooms"`
}

type roomAnswer struct {
	Room *chat.Room `json:"room"`
}

func (s *Server) myRooms(c *fiber.Ctx) error {
	u := currentUser(c)
	// A person's room list may come from the read replica, never one
	// missing their own joins, leaves and sends.
	rooms, err := s.app.MyRooms(chat.ReadsMayLag(c.UserContext(), u.ID), u)
	if err != nil {
		return err
	}
	return s.sendCacheable(c, roomsAnswer{Rooms: rooms})
}

func (s *Server) publicRooms(c *fiber.Ctx) error {
	rooms, err := s.app.PublicRooms(chat.ReadsMayLag(c.UserContext(), currentUser(c).ID))
	if err != nil {
		return err
	}
	return s.sendCacheable(c, roomsAnswer{Rooms: rooms})
}

type createRoomRequest struct {
	Name  string `json:"name"`
	Topic string `json:"topic"`
	Kind  string `json:"kind"`
}

func (s *Server) createRoom(c *fiber.Ctx) error {
	var req createRoomRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	room, err := s.app.CreateRoom(c.UserContext(), currentUser(c), req.Name, req.Topic, req.Kind)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusCreated, roomAnswer{Room: room})
}

func (s *Server) getRoom(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	room, err := s.app.Room(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return s.sendCacheable(c, roomAnswer{Room: room})
}

func (s *Server) joinRoom(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	room, err := s.app.JoinRoom(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, roomAnswer{Room: room})
}

func (s *Server) leaveRoom(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.app.LeaveRoom(c.UserContext(), currentUser(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) members(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	members, err := s.app.Members(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return s.sendCacheable(c, map[string]any{"members": members})
}

type userIDRequest struct {
	UserID int64 `json:"user_id"`
}

func (s *Server) addMember(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req userIDRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	room, user, err := s.app.AddMember(c.UserContext(), currentUser(c), id, req.UserID)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, map[string]any{"room": room, "user": user})
}

func (s *Server) directMessage(c *fiber.Ctx) error {
	var req userIDRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	room, err := s.app.DirectMessage(c.UserContext(), currentUser(c), req.UserID)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, roomAnswer{Room: room})
}

type readRequest struct {
	Seq *int64 `json:"seq"`
}

func (s *Server) markRead(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req readRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Seq == nil {
		return chat.Invalid("seq", "seq is required.")
	}
	if err := s.app.MarkRead(c.UserContext(), currentUser(c), id, *req.Seq); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

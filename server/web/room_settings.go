package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// roomSettingsRequest is the body of PATCH /api/v1/rooms/{id}. Each field
// is optional on its own, but a request must change something.
type roomSettingsRequest struct {
	RoomMentions *bool `json:"room_mentions"`
}

func (s *Server) updateRoom(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req roomSettingsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.RoomMentions == nil {
		return chat.Invalid("room_mentions", "room_mentions (true or false) is required.")
	}
	room, err := s.app.SetRoomMentions(c.UserContext(), currentUser(c), id, *req.RoomMentions)
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, roomAnswer{Room: room})
}

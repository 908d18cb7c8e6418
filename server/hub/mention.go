package hub

import (
	"encoding/binary"

	"github.com/parleychat/parley/server/chat"
)

// mentionEvent tells a user that a message mentions them. The message
// rides along so a client can show it without waiting for (or having
// loaded) the room's history.
type mentionEvent struct {
	Type    string        `json:"type"`
	RoomID  int64         `json:"room_id"`
	Seq     int64         `json:"seq"`
	Message *chat.Message `json:"message"`
}

// mentioned sends a mention event to whoever m mentions, besides the
// message itself. @room goes to the room like any room event, skipping
// the author, so it costs one publish whatever the room's size; each
// member named goes on that user's own topic, delivered only to their
// connections subscribed to the room. The event is encoded once for all.
func (h *Hub) mentioned(m *chat.Message) {
	if !m.MentionsRoom && len(m.Mentioned) == 0 {
		return
	}
	ev := mentionEvent{Type: "mention", RoomID: m.RoomID, Seq: m.Seq, Message: m}
	if m.MentionsRoom {
		h.emit(roomTopic(m.RoomID), kindRoomEvent, m.RoomID, 0, m.User.ID, ev)
		return
	}
	first, err := h.buildEnvelope(kindUserEvent, 0, m.RoomID, 0, nil, ev)
	if err != nil {
		h.log.Error("hub: encode mention", "room", m.RoomID, "err", err)
		return
	}
	for i, userID := range m.Mentioned {
		env := first
		if i < len(m.Mentioned)-1 {
			// Published payloads are never changed once handed over, so
			// each user but the last gets a copy.
			env = append([]byte(nil), first...)
		}
		binary.LittleEndian.PutUint64(env[9:], uint64(userID))
		h.publish(userTopic(userID), env)
	}
}

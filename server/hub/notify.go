package hub

import (
	"context"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
)

// The methods below make *Hub the application's Notifier. Each encodes its
// event once, delivers it to this replica's connections and queues one
// publish for the others; none waits on the network.

// MessageCreated sends a new message to its room, and a mention event to
// whoever it mentions.
func (h *Hub) MessageCreated(_ context.Context, m *chat.Message) {
	h.m.sends.Inc()
	// c carries the commit time, so each replica can tell how long the
	// message took to reach its connections.
	h.emit(roomTopic(m.RoomID), kindMessage, m.RoomID, m.Seq, m.CreatedAt.UnixMicro(), messageEvent{Type: "message", Message: m})
	h.mentioned(m)
}

// MessageEdited sends an edited message to its room.
func (h *Hub) MessageEdited(_ context.Context, m *chat.Message) {
	h.emit(roomTopic(m.RoomID), kindRoomEvent, m.RoomID, 0, 0, messageEvent{Type: "message_edited", Message: m})
}

// MessageDeleted tells a room that one of its messages was deleted.
func (h *Hub) MessageDeleted(_ context.Context, roomID, seq int64) {
	h.emit(roomTopic(roomID), kindRoomEvent, roomID, 0, 0, roomSeqEvent{Type: "message_deleted", RoomID: roomID, Seq: seq})
}

// MemberJoined subscribes the joining user's live connections, on every
// replica, to the room at once, and tells its members with the next
// membership flush.
func (h *Hub) MemberJoined(_ context.Context, r *chat.Room, u chat.User) {
	room := *r
	room.Unread = nil
	h.emit(userTopic(u.ID), kindJoined, u.ID, r.ID, r.LastSeq, roomEvent{Type: "room_joined", Room: &room})
	h.noteMember(r.ID, u, true)
}

// MemberLeft unsubscribes the leaver's connections at once, so nothing
// more of the room reaches them, and tells the room's members with the
// next membership flush.
func (h *Hub) MemberLeft(_ context.Context, r *chat.Room, u chat.User) {
	h.emit(userTopic(u.ID), kindLeft, u.ID, r.ID, 0, roomIDEvent{Type: "room_left", RoomID: r.ID})
	h.noteMember(r.ID, u, false)
}

// ReadMoved tells a user's connections that their read marker moved.
func (h *Hub) ReadMoved(_ context.Context, userID, roomID, seq int64) {
	h.emit(userTopic(userID), kindUserEvent, userID, 0, 0, roomSeqEvent{Type: "read", RoomID: roomID, Seq: seq})
}

func (h *Hub) emit(topic string, kind byte, a, b, c int64, v any) {
	env, err := h.buildEnvelope(kind, a, b, c, nil, v)
	if err != nil {
		h.log.Error("hub: encode event", "topic", topic, "err", err)
		return
	}
	if kind != kindMessage {
		h.publish(topic, env)
		return
	}
	start := time.Now()
	h.publishAt(topic, env, start)
	h.m.observeStage(chat.StageFanout, time.Since(start))
}

// presenceGone announces users whose replica died with their connections.
func (h *Hub) presenceGone(userID int64) {
	ch := h.chat()
	if ch == nil {
		return
	}
	ctx, cancel := context.WithTimeout(h.baseCtx, callTimeout)
	defer cancel()
	if len(h.userConnsOf(userID)) > 0 {
		// Our own claim lapsed (Valkey was away longer than its TTL) while
		// the user is still here: the presence's next refresh claims
		// again, so announce nothing.
		return
	}
	rooms, err := ch.MyRooms(ctx, &chat.User{ID: userID})
	if err != nil {
		h.log.Warn("hub: rooms of a user gone offline", "user", userID, "err", err)
		return
	}
	ids := make([]int64, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID
	}
	h.announcePresence(userID, ids, false)
}

// deliverRemote takes a payload from the broker. The payload is the
// receiver's to keep and nobody changes it.
func (h *Hub) deliverRemote(_ string, payload []byte) {
	e, err := decodeEnvelope(payload)
	if err != nil {
		h.log.Warn("hub: dropping malformed broker payload", "err", err)
		return
	}
	if e.origin == h.origin {
		return // delivered locally before it was published
	}
	switch e.kind {
	case kindJoined, kindLeft:
		select {
		case h.ctlq <- e:
		default:
			// The re-check finds what the lost event would have changed.
			h.log.Warn("hub: control queue full; a join or leave is dropped", "user", e.a, "room", e.b)
			h.requestResync()
		}
		return
	case kindResync:
		h.requestResync()
		return
	}
	h.deliverEnvelope(e)
}

// deliver hands an envelope this replica produced to its own connections.
func (h *Hub) deliver(payload []byte) {
	e, err := decodeEnvelope(payload)
	if err != nil {
		h.log.Error("hub: own envelope malformed", "err", err)
		return
	}
	h.deliverEnvelope(e)
}

func (h *Hub) deliverEnvelope(e envelope) {
	switch e.kind {
	case kindMessage:
		f := h.frame(e.frame, e.a, e.b)
		f.committed = e.c
		h.offerMessage(f)
	case kindRoomEvent:
		h.offerRoom(h.frame(e.frame, e.a, 0), e.c)
	case kindLossyEvent:
		f := h.frame(e.frame, e.a, 0)
		f.lossy = true
		h.offerRoom(f, e.c)
	case kindUserEvent:
		h.offerUser(e.a, h.frame(e.frame, e.b, 0))
	case kindJoined:
		f := h.frame(e.frame, 0, 0)
		h.changeMembership(e.a, func(conns []*conn) {
			for _, c := range conns {
				h.joinLive(c, e.b, e.c, f)
			}
		})
	case kindLeft:
		f := h.frame(e.frame, 0, 0)
		h.changeMembership(e.a, func(conns []*conn) {
			for _, c := range conns {
				h.leaveRoom(h.baseCtx, c, e.b)
				c.push(f)
			}
		})
	case kindSessionEnded:
		h.closeSession(e.a, string(e.frame), "session ended, sign in again")
	case kindPresence:
		h.offerPresence(e)
	}
}

// frame wraps encoded bytes for the fan-out as a prepared message, so that
// framing (and compression, for frames big enough to be worth it) happens
// once per broadcast whatever the number of receivers.
func (h *Hub) frame(data []byte, room, seq int64) *outFrame {
	f := &outFrame{data: data, room: room, seq: seq}
	if pm, err := websocket.NewPreparedMessage(websocket.TextMessage, data); err == nil {
		f.pm = pm
		f.compress = h.o.Compression && len(data) >= h.o.CompressionThreshold
	}
	return f
}

// offerPresence queues a presence event once to each local connection that
// shares one of the rooms, the user's own excepted.
func (h *Hub) offerPresence(e envelope) {
	f := h.frame(e.frame, 0, 0)
	seen := make(map[*conn]struct{})
	for _, id := range e.rooms {
		s := h.roomShard(id)
		s.mu.RLock()
		r := s.rooms[id]
		s.mu.RUnlock()
		if r == nil {
			continue
		}
		r.mu.Lock()
		for c := range r.conns {
			if _, ok := seen[c]; ok || c.user.ID == e.a {
				continue
			}
			seen[c] = struct{}{}
			c.push(f)
		}
		r.mu.Unlock()
	}
}

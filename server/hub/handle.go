package hub

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// typingEvery is the least time between two typing events of one
// connection in one room; more are dropped.
const typingEvery = 2 * time.Second

// resumeTimeout bounds a whole resume, which pages through history at the
// pace the client reads it.
const resumeTimeout = 2 * time.Minute

// handle answers one client frame. It runs in the reader goroutine, so a
// connection's frames are handled in order.
func (h *Hub) handle(ch Chat, c *conn, data []byte, arrived time.Time) {
	f, err := DecodeFrame(data)
	if err != nil {
		c.sendError(err, f.ClientID, 0)
		return
	}
	timeout := callTimeout
	if f.Type == TypeResume {
		timeout = resumeTimeout
	}
	ctx, cancel := context.WithTimeout(c.ctx, timeout)
	defer cancel()
	switch f.Type {
	case TypeSend:
		h.handleSend(ctx, ch, c, f, arrived)
	case TypeResume:
		h.handleResume(ctx, ch, c, f)
	case TypeTyping:
		h.handleTyping(c, f)
	case TypeRead:
		if err := ch.MarkRead(ctx, &c.user, f.RoomID, f.Seq); err != nil {
			c.sendError(err, "", f.RoomID)
		}
	}
}

func (h *Hub) handleSend(ctx context.Context, ch Chat, c *conn, f Frame, arrived time.Time) {
	ctx = chat.WithStageObserver(ctx, h.m.observeStage)
	at := chat.ObserveStage(ctx, chat.StageDecode, arrived)
	if ok, wait := c.limiter.allow(at); !ok {
		h.m.rateLimited.Inc()
		c.sendError(chat.RateLimited(wait, "Too many messages; slow down."), f.ClientID, f.RoomID)
		return
	}
	if !c.sessionOK(ctx, ch) {
		return
	}
	at = chat.ObserveStage(ctx, chat.StageSession, at)
	var m *chat.Message
	var err error
	if f.ReplyTo != 0 {
		m, _, err = ch.SendReply(ctx, &c.user, f.RoomID, f.ReplyTo, f.Body, f.ClientID)
	} else {
		m, _, err = ch.SendMessage(ctx, &c.user, f.RoomID, f.Body, f.ClientID)
	}
	if err != nil {
		c.sendError(err, f.ClientID, f.RoomID)
		return
	}
	sent := time.Now()
	data, err := encode(ackEvent{Type: "ack", ClientID: f.ClientID, Message: m})
	if err != nil {
		h.log.Error("hub: ack", "err", err)
		return
	}
	queued := time.Now()
	c.push(&outFrame{data: data, ack: true, at: queued})
	h.m.observeStage(chat.StageAck, queued.Sub(sent))
	h.m.ack.Observe(queued.Sub(arrived).Seconds())
}

func (h *Hub) handleTyping(c *conn, f Frame) {
	if !c.inRoom(f.RoomID) {
		c.sendError(chat.Errorf(chat.ENOTFOUND, "Room not found."), "", f.RoomID)
		return
	}
	now := time.Now()
	if c.typing == nil {
		c.typing = make(map[int64]time.Time)
	}
	if now.Sub(c.typing[f.RoomID]) < typingEvery {
		return
	}
	c.typing[f.RoomID] = now
	env, err := h.buildEnvelope(kindLossyEvent, f.RoomID, 0, c.user.ID, nil,
		roomUserEvent{Type: "typing", RoomID: f.RoomID, User: c.user})
	if err != nil {
		h.log.Error("hub: typing", "err", err)
		return
	}
	h.publish(roomTopic(f.RoomID), env)
}

// handleResume replays each named room from the store, then says resumed.
// Live messages of a room wait in the connection while it replays and are
// then queued unless the replay already had them.
func (h *Hub) handleResume(ctx context.Context, ch Chat, c *conn, f Frame) {
	h.resumeRooms(ctx, ch, c, f.Rooms)
}

// resumeRooms replays each room of point from its seq, in room id order,
// then queues resumed.
func (h *Hub) resumeRooms(ctx context.Context, ch Chat, c *conn, point map[int64]int64) {
	ids := make([]int64, 0, len(point))
	for id := range point {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := h.replay(ctx, ch, c, id, point[id]); err != nil {
			if !h.replayFailed(c, err, id) {
				return
			}
		}
	}
	data, _ := encode(typeEvent{Type: "resumed"})
	c.push(&outFrame{data: data})
}

func (h *Hub) replay(ctx context.Context, ch Chat, c *conn, id, since int64) error {
	c.mu.Lock()
	st := c.rooms[id]
	if st == nil {
		c.mu.Unlock()
		return chat.Errorf(chat.ENOTFOUND, "Room not found.")
	}
	st.replaying = true
	sent := st.sent.clone()
	// Live delivery of the room may already be past since (joinRoom set
	// delivered to what this replica had delivered when the connection
	// joined), and nothing up to target will come live: the replay must
	// reach it even when the history it reads lags behind the broker.
	target := st.delivered
	c.mu.Unlock()

	cursor, top := since, int64(0)
	defer func() {
		c.mu.Lock()
		if st := c.rooms[id]; st != nil {
			st.delivered = max(st.delivered, top)
			if top > since {
				// Everything from since to top is now with the client.
				st.sent = st.sent.add(since+1, top)
			}
			c.flushRoomLocked(st)
		}
		c.mu.Unlock()
	}()
	queue := func(msgs []chat.Message) error {
		if err := c.waitRoom(ctx, len(msgs)); err != nil {
			return chat.Errorf(chat.EUNAVAILABLE, "Connection closing.")
		}
		for i := range msgs {
			m := &msgs[i]
			if m.Seq <= cursor {
				continue
			}
			cursor, top = m.Seq, m.Seq
			if sent.has(m.Seq) {
				continue
			}
			data, err := encode(messageEvent{Type: "message", Message: m})
			if err != nil {
				return err
			}
			c.push(&outFrame{data: data, room: id, seq: m.Seq})
			h.m.replayed.Inc()
		}
		return nil
	}
	page := min(chat.PageMaxLimit, max(1, h.o.QueueSize/2))
	for {
		msgs, more, err := ch.Messages(ctx, &c.user, id, chat.Page{AfterSeq: cursor, Limit: page, Forward: true})
		if err != nil {
			return err
		}
		if err := queue(msgs); err != nil {
			return err
		}
		if !more || len(msgs) == 0 {
			break
		}
	}
	// History read through caches (or a standby) can end short of a
	// message this replica delivered live before the connection joined;
	// the primary has every commit.
	for cursor < target {
		msgs, err := ch.CommittedMessages(ctx, id, cursor, target)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return fmt.Errorf("hub: replay room %d: seqs %d to %d not found", id, cursor+1, target)
		}
		if err := queue(msgs); err != nil {
			return err
		}
		h.m.replayFilled.Add(float64(len(msgs)))
	}
	return nil
}

// waitRoom waits until the send queue has room for n more frames plus a
// margin for live traffic, so a long replay paces itself instead of
// overflowing the queue.
func (c *conn) waitRoom(ctx context.Context, n int) error {
	size := c.h.o.QueueSize
	limit := size - n - size/4
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for c.queued() > max(limit, 0) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return context.Canceled
		case <-t.C:
		}
	}
	return nil
}

// sendError queues an error event in the contract's shape.
func (c *conn) sendError(err error, clientID string, roomID int64) {
	code := chat.ErrorCode(err)
	if code == chat.EINTERNAL {
		c.h.log.Error("hub: request failed", "user", c.user.ID, "err", err)
	}
	data, eerr := encode(errorEvent{
		Type:       "error",
		Code:       code,
		Message:    chat.ErrorMessage(err),
		Field:      chat.ErrorField(err),
		ClientID:   clientID,
		RoomID:     roomID,
		RetryAfter: retryAfterSeconds(err),
	})
	if eerr != nil {
		return
	}
	c.push(&outFrame{data: data})
}

// retryAfterSeconds is an ERATELIMITED error's wait in whole seconds,
// rounded up and at least 1, and 0 (omitted) for any other error.
func retryAfterSeconds(err error) int64 {
	if chat.ErrorCode(err) != chat.ERATELIMITED {
		return 0
	}
	d := chat.ErrorRetryAfter(err)
	secs := int64((d + time.Second - 1) / time.Second)
	return max(secs, 1)
}

// replayFailed answers a room whose replay could not be read; it says
// whether the connection goes on. A room the user may no longer read is
// an error event. Any other failure (a store that timed out under load)
// closes the connection with 1013: the room's live delivery has already
// moved past what the client has, so going on would show it a gap, while
// a reconnect resumes from the client's own point, in order.
func (h *Hub) replayFailed(c *conn, err error, roomID int64) bool {
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		c.sendError(err, "", roomID)
		return true
	}
	h.log.Warn("hub: replay failed; closing so that the client resumes", "user", c.user.ID, "room", roomID, "err", err)
	c.close(closeTryLater, tryLaterText("could not replay history", h.o.ConnectRetryAfter))
	return false
}

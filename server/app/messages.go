package app

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// SendMessage validates and commits a message to a room the caller belongs
// to. A retried client_id answers the first message with created=false.
func (a *App) SendMessage(ctx context.Context, u *chat.User, roomID int64, body, clientID string) (*chat.Message, bool, error) {
	return a.send(ctx, u, chat.NewMessage{RoomID: roomID, UserID: u.ID, Body: body, ClientID: clientID})
}

// send is SendMessage for any message, a reply included.
func (a *App) send(ctx context.Context, u *chat.User, m chat.NewMessage) (*chat.Message, bool, error) {
	roomID, clientID := m.RoomID, m.ClientID
	if err := chat.ValidateBody(m.Body); err != nil {
		return nil, false, err
	}
	if err := chat.ValidateClientID(clientID); err != nil {
		return nil, false, err
	}
	at := time.Now()
	if err := a.requireMember(ctx, u, roomID); err != nil {
		return nil, false, err
	}
	at = chat.ObserveStage(ctx, chat.StageMember, at)
	err := a.allowSend(ctx, u)
	chat.ObserveStage(ctx, chat.StageLimit, at)
	if err != nil {
		if first, ferr := a.messages.FindSent(ctx, roomID, u.ID, clientID); ferr == nil {
			// A retry of a send that was committed (its ack was lost) is
			// answered, not refused: refusing would make the client think
			// the message was never sent.
			return first, false, nil
		}
		return nil, false, err
	}
	msg, created, err := a.messages.SendMessage(ctx, m)
	if err != nil {
		return nil, false, err
	}
	if created {
		a.notify.MessageCreated(ctx, msg)
	}
	return msg, created, nil
}

// requireMember is the send path's check: one membership lookup when the
// caller belongs to the room, and the room only to word the refusal.
func (a *App) requireMember(ctx context.Context, u *chat.User, roomID int64) error {
	if roomID <= 0 {
		return roomNotFound()
	}
	role, err := a.role(ctx, roomID, u.ID)
	if err != nil || role != "" {
		return err
	}
	if _, _, err := a.access(ctx, u, roomID); err != nil {
		return err
	}
	return chat.Errorf(chat.EFORBIDDEN, "Join the room first.")
}

// ValidatePage checks a history page request and applies the default and
// maximum limit.
func ValidatePage(p chat.Page) (chat.Page, error) {
	switch {
	case p.BeforeSeq < 0:
		return p, chat.Invalid("before_seq", "before_seq must not be negative.")
	case p.AfterSeq < 0:
		return p, chat.Invalid("after_seq", "after_seq must not be negative.")
	case p.BeforeSeq > 0 && p.AfterSeq > 0:
		return p, chat.Invalid("before_seq", "Give before_seq or after_seq, not both.")
	case p.Limit < 0:
		return p, chat.Invalid("limit", "limit must be between 1 and %d.", chat.PageMaxLimit)
	case p.Limit == 0:
		p.Limit = chat.PageDefaultLimit
	case p.Limit > chat.PageMaxLimit:
		p.Limit = chat.PageMaxLimit
	}
	return p, nil
}

// CommittedMessages returns a room's messages with afterSeq < seq ≤
// upToSeq, straight from the store. It checks no access: the real-time
// layer asks it for a room's members only, to fill in a message whose
// live event is late.
func (a *App) CommittedMessages(ctx context.Context, roomID, afterSeq, upToSeq int64) ([]chat.Message, error) {
	return a.messages.CommittedMessages(ctx, roomID, afterSeq, upToSeq)
}

// Messages returns a page of a visible room's history, each message with
// its reactions as u sees them.
func (a *App) Messages(ctx context.Context, u *chat.User, roomID int64, p chat.Page) ([]chat.Message, bool, error) {
	p, err := ValidatePage(p)
	if err != nil {
		return nil, false, err
	}
	room, _, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, false, err
	}
	// Whatever answers must be at least as new as the room just read,
	// which callers build their ETags from.
	ctx = chat.SeenRoom(ctx, room)
	if p.Forward && p.AfterSeq == 0 && p.BeforeSeq == 0 {
		msgs, more, err := a.firstMessages(ctx, room, p.Limit)
		if err == nil {
			err = a.withReactions(ctx, u, roomID, msgs)
		}
		if err != nil {
			return nil, false, err
		}
		return msgs, more, nil
	}
	msgs, more, err := a.messages.ListMessages(ctx, roomID, p)
	if err != nil {
		return nil, false, err
	}
	if msgs == nil {
		msgs = []chat.Message{}
	}
	if err := a.withReactions(ctx, u, roomID, msgs); err != nil {
		return nil, false, err
	}
	return msgs, more, nil
}

// firstMessages answers "after seq 0". Seqs are gapless from 1, so the first
// limit messages are exactly those below limit+1, which the store's keyset
// on (room_id, seq) serves as directly as any other page.
func (a *App) firstMessages(ctx context.Context, room *chat.Room, limit int) ([]chat.Message, bool, error) {
	msgs, _, err := a.messages.ListMessages(ctx, room.ID, chat.Page{BeforeSeq: int64(limit) + 1, Limit: limit})
	if err != nil {
		return nil, false, err
	}
	if msgs == nil {
		msgs = []chat.Message{}
	}
	last := int64(0)
	if len(msgs) > 0 {
		last = msgs[len(msgs)-1].Seq
	}
	// The room was read just before the page, so a message committed in
	// between may be missed here; the client asks again after `last` and
	// gets it, or hears of it live.
	return msgs, room.LastSeq > last, nil
}

// EditMessage replaces the body of the caller's own message.
func (a *App) EditMessage(ctx context.Context, u *chat.User, roomID, seq int64, body string) (*chat.Message, error) {
	if err := chat.ValidateBody(body); err != nil {
		return nil, err
	}
	msg, _, _, err := a.findMessage(ctx, u, roomID, seq)
	if err != nil {
		return nil, err
	}
	if msg.User.ID != u.ID {
		return nil, chat.Errorf(chat.EFORBIDDEN, "You can edit only your own messages.")
	}
	if msg.Deleted {
		return nil, chat.Errorf(chat.ECONFLICT, "That message was deleted.")
	}
	edited, err := a.messages.EditMessage(chat.WithActor(ctx, u.ID), roomID, seq, body)
	if err != nil {
		return nil, err
	}
	a.notify.MessageEdited(ctx, edited)
	return edited, nil
}

// DeleteMessage soft-deletes a message: its author or the room's owner
// may. A direct room's "owner" is only whoever opened it first, so there
// each person deletes only their own.
func (a *App) DeleteMessage(ctx context.Context, u *chat.User, roomID, seq int64) error {
	msg, room, role, err := a.findMessage(ctx, u, roomID, seq)
	if err != nil {
		return err
	}
	moderator := role == chat.RoleOwner && room.Kind != chat.RoomDirect
	if msg.User.ID != u.ID && !moderator {
		return chat.Errorf(chat.EFORBIDDEN, "You can delete only your own messages.")
	}
	if msg.Deleted {
		return nil
	}
	if _, err := a.messages.DeleteMessage(chat.WithActor(ctx, u.ID), roomID, seq); err != nil {
		return err
	}
	a.notify.MessageDeleted(ctx, roomID, seq)
	return nil
}

func (a *App) findMessage(ctx context.Context, u *chat.User, roomID, seq int64) (*chat.Message, *chat.Room, string, error) {
	room, role, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, nil, "", err
	}
	if seq <= 0 {
		return nil, nil, "", chat.Errorf(chat.ENOTFOUND, "Message not found.")
	}
	msg, err := a.messages.FindMessage(ctx, roomID, seq)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil, nil, "", chat.Errorf(chat.ENOTFOUND, "Message not found.")
	}
	return msg, room, role, err
}

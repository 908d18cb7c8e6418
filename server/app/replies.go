package app

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// SendReply validates and commits a reply to message replyTo of a room the
// caller belongs to; it is SendMessage in every other respect (the same
// budget, the same idempotency, the same fan-out). A reply to a reply
// joins that reply's thread. reply_to must name a message of the room
// that is not deleted, or the send is refused with EINVALID (field
// reply_to) and nothing is stored.
func (a *App) SendReply(ctx context.Context, u *chat.User, roomID, replyTo int64, body, clientID string) (*chat.Message, bool, error) {
	if err := chat.ValidateReplyTo(replyTo); err != nil {
		return nil, false, err
	}
	return a.send(ctx, u, chat.NewMessage{RoomID: roomID, UserID: u.ID, Body: body, ClientID: clientID, ReplyTo: replyTo})
}

// Thread returns a message of a room the caller may read, with the room:
// what a thread is read from. A room the caller may not see and a seq that
// names no message answer ENOTFOUND alike to everyone outside the room.
func (a *App) Thread(ctx context.Context, u *chat.User, roomID, seq int64) (*chat.Room, *chat.Message, error) {
	msg, room, _, err := a.findMessage(ctx, u, roomID, seq)
	if err != nil {
		return nil, nil, err
	}
	return room, msg, nil
}

// Replies returns a page of the replies to message seq of a room the
// caller may read, paged like Messages. A seq without replies (a reply
// itself, or no message at all: Thread tells them apart) has an empty page.
func (a *App) Replies(ctx context.Context, u *chat.User, roomID, seq int64, p chat.Page) ([]chat.Message, bool, error) {
	p, err := ValidatePage(p)
	if err != nil {
		return nil, false, err
	}
	if _, _, err := a.access(ctx, u, roomID); err != nil {
		return nil, false, err
	}
	if seq <= 0 {
		return nil, false, chat.Errorf(chat.ENOTFOUND, "Message not found.")
	}
	msgs, more, err := a.messages.ListReplies(ctx, roomID, seq, p)
	if msgs == nil && err == nil {
		msgs = []chat.Message{}
	}
	return msgs, more, err
}

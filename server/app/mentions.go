package app

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// SetRoomMentions lets a room's owner say whether @room mentions every
// member. Direct rooms have no owner in that sense and keep the default.
func (a *App) SetRoomMentions(ctx context.Context, u *chat.User, roomID int64, allowed bool) (*chat.Room, error) {
	room, role, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, err
	}
	switch {
	case role == "":
		return nil, chat.Errorf(chat.EFORBIDDEN, "Join the room first.")
	case room.Kind == chat.RoomDirect:
		return nil, chat.Errorf(chat.EFORBIDDEN, "Direct messages have no room settings.")
	case role != chat.RoleOwner:
		return nil, chat.Errorf(chat.EFORBIDDEN, "Only the room's owner can change its settings.")
	}
	return a.rooms.SetRoomMentions(chat.WithActor(ctx, u.ID), room.ID, allowed)
}

package app

import (
	"context"
	"strings"

	"github.com/parleychat/parley/server/chat"
)

func roomNotFound() error { return chat.Errorf(chat.ENOTFOUND, "Room not found.") }

// access loads a room and the caller's role in it ("" when not a member),
// hiding private and direct rooms from non-members behind the same
// not_found a missing room gets, so that their existence never leaks.
func (a *App) access(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, string, error) {
	if roomID <= 0 {
		return nil, "", roomNotFound()
	}
	role, err := a.role(ctx, roomID, u.ID)
	if err != nil {
		return nil, "", err
	}
	room, err := a.rooms.FindRoom(ctx, roomID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil, "", roomNotFound()
	}
	if err != nil {
		return nil, "", err
	}
	if role == "" && room.Kind != chat.RoomPublic {
		return nil, "", roomNotFound()
	}
	return room, role, nil
}

// role returns the caller's role in a room, or "" when they are not a
// member.
func (a *App) role(ctx context.Context, roomID, userID int64) (string, error) {
	role, err := a.rooms.MemberRole(ctx, roomID, userID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return "", nil
	}
	return role, err
}

// MyRooms lists the rooms the caller belongs to, with unread counts.
func (a *App) MyRooms(ctx context.Context, u *chat.User) ([]chat.Room, error) {
	rooms, err := a.rooms.UserRooms(ctx, u.ID)
	if rooms == nil && err == nil {
		rooms = []chat.Room{}
	}
	return rooms, err
}

// PublicRooms lists the public directory.
func (a *App) PublicRooms(ctx context.Context) ([]chat.Room, error) {
	rooms, err := a.rooms.PublicRooms(ctx)
	if rooms == nil && err == nil {
		rooms = []chat.Room{}
	}
	return rooms, err
}

// Room returns one room the caller may see.
func (a *App) Room(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, error) {
	room, _, err := a.access(ctx, u, roomID)
	return room, err
}

// RoomAccess returns a room the caller may see and their role in it (""
// when they are not a member of that public room).
func (a *App) RoomAccess(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, string, error) {
	return a.access(ctx, u, roomID)
}

// CreateRoom creates a public or private room owned by the caller.
func (a *App) CreateRoom(ctx context.Context, u *chat.User, name, topic, kind string) (*chat.Room, error) {
	name, err := chat.ValidateRoom(name, strings.TrimSpace(topic), kind)
	if err != nil {
		return nil, err
	}
	room, err := a.rooms.CreateRoom(ctx, u.ID, name, strings.TrimSpace(topic), kind)
	if err != nil {
		return nil, err
	}
	a.notify.MemberJoined(ctx, room, *u)
	return room, nil
}

// JoinRoom makes the caller a member of a public room. Joining a room one
// already belongs to answers the room as well.
func (a *App) JoinRoom(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, error) {
	room, role, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, err
	}
	if role != "" {
		return room, nil
	}
	if room.Kind != chat.RoomPublic {
		return nil, roomNotFound()
	}
	return a.enter(ctx, room, u)
}

// LeaveRoom removes the caller from a room. Leaving a public room one is
// not in is a no-op.
func (a *App) LeaveRoom(ctx context.Context, u *chat.User, roomID int64) error {
	room, role, err := a.access(ctx, u, roomID)
	if err != nil || role == "" {
		return err
	}
	removed, err := a.rooms.RemoveMember(ctx, room.ID, u.ID)
	if err != nil {
		return err
	}
	if removed {
		a.notify.MemberLeft(ctx, room, *u)
	}
	return nil
}

// Members lists a visible room's members with their presence.
func (a *App) Members(ctx context.Context, u *chat.User, roomID int64) ([]chat.Member, error) {
	room, _, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, err
	}
	users, err := a.rooms.Members(ctx, room.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(users))
	for i, m := range users {
		ids[i] = m.ID
	}
	online, err := a.presence.Online(ctx, ids)
	if err != nil {
		// Presence is a nicety: the list is still right without it.
		a.log.WarnContext(ctx, "presence lookup failed", "err", err)
		online = map[int64]bool{}
	}
	members := make([]chat.Member, len(users))
	for i, m := range users {
		members[i] = chat.Member{User: m, Online: online[m.ID]}
	}
	return members, nil
}

// AddMember adds another user to a room: the owner to a private room, any
// member to a public one. Direct rooms keep their two members.
func (a *App) AddMember(ctx context.Context, u *chat.User, roomID, userID int64) (*chat.Room, *chat.User, error) {
	room, role, err := a.access(ctx, u, roomID)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case role == "":
		return nil, nil, chat.Errorf(chat.EFORBIDDEN, "Join the room first.")
	case room.Kind == chat.RoomDirect:
		return nil, nil, chat.Errorf(chat.EFORBIDDEN, "Direct messages have exactly two members.")
	case room.Kind == chat.RoomPrivate && role != chat.RoleOwner:
		return nil, nil, chat.Errorf(chat.EFORBIDDEN, "Only the room's owner can add members.")
	}
	other, err := a.findOtherUser(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	added, err := a.rooms.AddMember(ctx, room.ID, other.ID, chat.RoleMember)
	if err != nil {
		return nil, nil, err
	}
	if added {
		a.notify.MemberJoined(ctx, room, *other)
	}
	return room, other, nil
}

// DirectMessage returns the caller's direct-message room with another user,
// the same room every time for the same pair.
func (a *App) DirectMessage(ctx context.Context, u *chat.User, userID int64) (*chat.Room, error) {
	if userID == u.ID {
		return nil, chat.Invalid("user_id", "You cannot start a direct message with yourself.")
	}
	other, err := a.findOtherUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	room, created, err := a.rooms.DirectRoom(ctx, u.ID, other.ID)
	if err != nil {
		return nil, err
	}
	if created {
		a.notify.MemberJoined(ctx, room, *u)
		a.notify.MemberJoined(ctx, room, *other)
		return room, nil
	}
	// Opening a DM one has left comes back into it. Only the caller: the
	// other person left on purpose and returns the same way.
	return a.enter(ctx, room, u)
}

// MarkRead moves the caller's read marker forward to seq, or to the
// room's newest message when seq is past it.
func (a *App) MarkRead(ctx context.Context, u *chat.User, roomID, seq int64) error {
	if seq < 0 {
		return chat.Invalid("seq", "seq must not be negative.")
	}
	room, role, err := a.access(ctx, u, roomID)
	if err != nil {
		return err
	}
	if role == "" {
		return chat.Errorf(chat.EFORBIDDEN, "Join the room first.")
	}
	// The store caps at its own last_seq too; capping here as well tells
	// the caller's other connections where the marker really is.
	seq = min(seq, room.LastSeq)
	moved, err := a.rooms.MarkRead(ctx, roomID, u.ID, seq)
	if err != nil {
		return err
	}
	if moved {
		a.notify.ReadMoved(ctx, u.ID, roomID, seq)
	}
	return nil
}

func (a *App) findOtherUser(ctx context.Context, userID int64) (*chat.User, error) {
	if userID <= 0 {
		return nil, chat.Invalid("user_id", "user_id must be a user's id.")
	}
	other, err := a.users.FindUser(ctx, userID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return nil, chat.Invalid("user_id", "No such user.")
	}
	return other, err
}

// enter makes u a member of room and tells the room, unless u already was.
func (a *App) enter(ctx context.Context, room *chat.Room, u *chat.User) (*chat.Room, error) {
	added, err := a.rooms.AddMember(ctx, room.ID, u.ID, chat.RoleMember)
	if err != nil {
		return nil, err
	}
	if added {
		a.notify.MemberJoined(ctx, room, *u)
	}
	return room, nil
}

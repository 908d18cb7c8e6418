package chat

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Room kinds.
const (
	RoomPublic  = "public"
	RoomPrivate = "private"
	RoomDirect  = "direct"
)

// Member roles.
const (
	RoleOwner  = "owner"
	RoleMember = "member"
)

// Room is a conversation. LastSeq is the seq of its newest message; Rev is
// bumped by every change that alters an already sent message or the room's
// metadata, so (LastSeq, Rev) versions everything a reader can see of it.
type Room struct {
	ID      int64  `json:"id" db:"id"`
	Name    string `json:"name" db:"name"`
	Topic   string `json:"topic" db:"topic"`
	Kind    string `json:"kind" db:"kind"`
	OwnerID int64  `json:"owner_id" db:"owner_id"`
	LastSeq int64  `json:"last_seq" db:"last_seq"`
	Rev     int64  `json:"rev" db:"rev"`
	// Unread is set only in the caller's own room list.
	Unread *int64 `json:"unread,omitempty" db:"unread"`
	// Mentions, set beside Unread, counts the messages after the caller's
	// read marker that mention them.
	Mentions *int64 `json:"mentions,omitempty" db:"mentions"`
	// RoomMentions says whether @room mentions every member; the owner
	// chooses.
	RoomMentions bool `json:"room_mentions" db:"room_mentions"`
}

// Membership is one user's place in one room.
type Membership struct {
	RoomID  int64  `db:"room_id"`
	UserID  int64  `db:"user_id"`
	Role    string `db:"role"`
	ReadSeq int64  `db:"read_seq"`
}

// Limits on room fields.
const (
	RoomNameMaxLen  = 80
	RoomTopicMaxLen = 250
)

// ValidateRoom checks the fields of a room to create and trims the name.
func ValidateRoom(name, topic, kind string) (string, error) {
	if err := ValidateLabel("name", "Room name", name); err != nil {
		return "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Invalid("name", "Room name is required.")
	}
	if utf8.RuneCountInString(name) > RoomNameMaxLen {
		return "", Invalid("name", "Room name must be at most %d characters.", RoomNameMaxLen)
	}
	if err := ValidateLabel("topic", "Topic", topic); err != nil {
		return "", err
	}
	if utf8.RuneCountInString(topic) > RoomTopicMaxLen {
		return "", Invalid("topic", "Topic must be at most %d characters.", RoomTopicMaxLen)
	}
	if kind != RoomPublic && kind != RoomPrivate {
		return "", Invalid("kind", "Kind must be \"public\" or \"private\".")
	}
	return name, nil
}

// RoomStore keeps rooms and who belongs to them. It enforces no visibility
// rules: the app layer decides who may see or change what.
type RoomStore interface {
	// CreateRoom stores a room and makes owner its first member with RoleOwner.
	CreateRoom(ctx context.Context, ownerID int64, name, topic, kind string) (*Room, error)
	// FindRoom returns a room by id; ENOTFOUND if none.
	FindRoom(ctx context.Context, id int64) (*Room, error)
	// UserRooms lists the rooms userID belongs to, with Unread set.
	UserRooms(ctx context.Context, userID int64) ([]Room, error)
	// PublicRooms lists every public room.
	PublicRooms(ctx context.Context) ([]Room, error)
	// FindMembership returns userID's membership of roomID; ENOTFOUND if none.
	FindMembership(ctx context.Context, roomID, userID int64) (*Membership, error)
	// MemberRole returns userID's role in roomID; ENOTFOUND if not a
	// member. It is the access check of every request and send, and unlike
	// a Membership it does not change with sends and read markers, so a
	// cache can keep it until the user joins or leaves a room.
	MemberRole(ctx context.Context, roomID, userID int64) (string, error)
	// AddMember adds userID with role; added is false if already a member.
	AddMember(ctx context.Context, roomID, userID int64, role string) (added bool, err error)
	// RemoveMember removes userID; removed is false if they were not a member.
	RemoveMember(ctx context.Context, roomID, userID int64) (removed bool, err error)
	// Members lists the members of a room ordered by username.
	Members(ctx context.Context, roomID int64) ([]User, error)
	// DirectRoom returns the direct-message room of two users, creating it
	// (with both as members) the first time; the same room for the same pair
	// in either order.
	DirectRoom(ctx context.Context, userA, userB int64) (room *Room, created bool, err error)
	// MarkRead moves userID's read marker in roomID forward to seq, capped
	// at the room's last_seq; moved says whether it changed.
	MarkRead(ctx context.Context, roomID, userID, seq int64) (moved bool, err error)
	// SetRoomMentions turns @room on or off for a room and returns it;
	// ENOTFOUND if there is no such room.
	SetRoomMentions(ctx context.Context, roomID int64, allowed bool) (*Room, error)
}

package chat

import (
	"context"
	"time"
	"unicode/utf8"
)

// Message is one post in a room. Seq numbers a room's messages 1, 2, 3… in
// commit order with no gap.
type Message struct {
	ID        int64      `json:"id" db:"id"`
	RoomID    int64      `json:"room_id" db:"room_id"`
	Seq       int64      `json:"seq" db:"seq"`
	User      User       `json:"user" db:"user"`
	Body      string     `json:"body" db:"body"`
	ClientID  string     `json:"client_id" db:"client_id"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	EditedAt  *time.Time `json:"edited_at,omitempty" db:"edited_at"`
	Deleted   bool       `json:"deleted" db:"deleted"`
	// Replies (threads): see reply.go.
	ReplyTo     int64      `json:"reply_to,omitempty" db:"reply_to"`
	ReplyNumber int        `json:"reply_number,omitempty" db:"reply_number"`
	ReplyCount  int        `json:"reply_count,omitempty" db:"reply_count"`
	LastReplyAt *time.Time `json:"last_reply_at,omitempty" db:"last_reply_at"`
	// Reactions are set where history is read, omitted when there are
	// none: clients take a missing list as empty.
	Reactions []Reaction `json:"reactions,omitempty" db:"-"`
	// Mentioned and MentionsRoom are who a message just committed
	// mentions (see ParseMentions): the room's members it names, and
	// whether it mentions every member but its author. Only a send fills
	// them in, for the real-time layer; clients never see them.
	Mentioned    []int64 `json:"-" db:"-"`
	MentionsRoom bool    `json:"-" db:"-"`
}

// Limits on messages and their pages.
const (
	BodyMaxLen       = 4000
	ClientIDMaxLen   = 64
	PageDefaultLimit = 50
	PageMaxLimit     = 100
)

// ValidateBody checks a message body: 1 to BodyMaxLen characters of UTF-8
// without NUL. The body is stored exactly as sent, never trimmed or escaped:
// what people type is theirs, and every renderer escapes it.
func ValidateBody(body string) error {
	if err := validateText("body", "Body", body); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(body); n < 1 || n > BodyMaxLen {
		return Invalid("body", "Body must be 1 to %d characters.", BodyMaxLen)
	}
	return nil
}

// ValidateClientID checks the idempotency key of a send.
func ValidateClientID(id string) error {
	if id == "" || len(id) > ClientIDMaxLen || !utf8.ValidString(id) {
		return Invalid("client_id", "client_id must be 1 to %d bytes.", ClientIDMaxLen)
	}
	for _, r := range id {
		if r < 0x21 || r == 0x7f {
			return Invalid("client_id", "client_id must be printable without spaces.")
		}
	}
	return nil
}

// NewMessage is a message to commit.
type NewMessage struct {
	RoomID   int64
	UserID   int64
	Body     string
	ClientID string
	// ReplyTo, when not 0, is the seq of the message this one replies to.
	ReplyTo int64
}

// Page selects a slice of a room's history by seq. At most one of
// BeforeSeq and AfterSeq is non-zero; both zero means the newest Limit,
// unless Forward asks for the oldest messages (after seq 0).
type Page struct {
	BeforeSeq int64
	AfterSeq  int64
	Limit     int
	// Forward pages upward from AfterSeq even when AfterSeq is 0, as a
	// client that has seen nothing yet resumes "after 0".
	Forward bool
}

// MessageStore keeps messages.
type MessageStore interface {
	// SendMessage commits a message, giving it the room's next seq. A second
	// send with the same (room, user, client_id) returns the first message
	// and created=false.
	SendMessage(ctx context.Context, m NewMessage) (msg *Message, created bool, err error)
	// ListMessages returns a page of history in ascending seq order and
	// whether more exist in the page's direction.
	ListMessages(ctx context.Context, roomID int64, p Page) (msgs []Message, hasMore bool, err error)
	// FindSent returns the message userID sent to roomID under clientID;
	// ENOTFOUND if none.
	FindSent(ctx context.Context, roomID, userID int64, clientID string) (*Message, error)
	// FindMessage returns one message; ENOTFOUND if none.
	FindMessage(ctx context.Context, roomID, seq int64) (*Message, error)
	// CommittedMessages returns a room's messages with afterSeq < seq ≤
	// upToSeq in seq order, at most PageMaxLimit, read from the primary and
	// never from a cache: the real-time layer fills in with them a message
	// whose live event is late, so they must include every commit made.
	CommittedMessages(ctx context.Context, roomID, afterSeq, upToSeq int64) ([]Message, error)
	// EditMessage replaces the body of a message and sets EditedAt; it bumps
	// the room's rev. ENOTFOUND if none, EINVALID if deleted.
	EditMessage(ctx context.Context, roomID, seq int64, body string) (*Message, error)
	// DeleteMessage soft-deletes a message (empty body, Deleted) and bumps
	// the room's rev. Deleting a deleted message is a no-op.
	DeleteMessage(ctx context.Context, roomID, seq int64) (*Message, error)
	// ListReplies returns a page of the replies to message seq in ascending
	// seq order, paged by seq like ListMessages, and whether more exist in
	// the page's direction. A message without replies has an empty page.
	ListReplies(ctx context.Context, roomID, seq int64, p Page) (msgs []Message, hasMore bool, err error)
}

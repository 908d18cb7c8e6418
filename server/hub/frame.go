package hub

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/parleychat/parley/server/chat"
)

// Client frame types.
const (
	TypeSend   = "send"
	TypeResume = "resume"
	TypeTyping = "typing"
	TypeRead   = "read"
)

// MaxResumeRooms bounds the rooms one resume may name.
const MaxResumeRooms = 1000

// Frame is one decoded client frame. Only the fields of its Type are set;
// ClientID is kept even when the frame is otherwise invalid, so the error
// event can name the send it answers.
type Frame struct {
	Type     string
	RoomID   int64
	Body     string
	ClientID string
	Seq      int64
	// Rooms maps room id to the last seq the client saw, for resume.
	Rooms map[int64]int64
	// ReplyTo makes a send a reply to that seq; 0 for none.
	ReplyTo int64
}

type wireFrame struct {
	Type     string           `json:"type"`
	RoomID   int64            `json:"room_id"`
	Body     string           `json:"body"`
	ClientID string           `json:"client_id"`
	Seq      int64            `json:"seq"`
	Rooms    map[string]int64 `json:"rooms"`
	ReplyTo  *int64           `json:"reply_to"`
}

// DecodeFrame parses and checks the shape of one client frame. Its errors
// are *chat.Error values ready for an error event: invalid_json for text
// that is not one JSON object, bad_request for an unknown type, invalid
// (with the field) for a missing or malformed field. Body and client_id
// rules are left to the application layer, which owns them.
func DecodeFrame(data []byte) (Frame, error) {
	var w wireFrame
	if err := json.Unmarshal(data, &w); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			f := Frame{Type: w.Type, ClientID: w.ClientID}
			return f, chat.Invalid(te.Field, "%s has the wrong type.", te.Field)
		}
		return Frame{}, chat.Errorf(chat.EINVALIDJSON, "Frame must be one JSON object.")
	}
	f := Frame{Type: w.Type, ClientID: w.ClientID}
	switch w.Type {
	case TypeSend:
		f.RoomID, f.Body = w.RoomID, w.Body
		if w.RoomID <= 0 {
			return f, chat.Invalid("room_id", "room_id must be a positive integer.")
		}
		if w.ReplyTo != nil {
			if err := chat.ValidateReplyTo(*w.ReplyTo); err != nil {
				return f, err
			}
			f.ReplyTo = *w.ReplyTo
		}
	case TypeTyping:
		f.RoomID = w.RoomID
		if w.RoomID <= 0 {
			return f, chat.Invalid("room_id", "room_id must be a positive integer.")
		}
	case TypeRead:
		f.RoomID, f.Seq = w.RoomID, w.Seq
		if w.RoomID <= 0 {
			return f, chat.Invalid("room_id", "room_id must be a positive integer.")
		}
		if w.Seq < 0 {
			return f, chat.Invalid("seq", "seq must not be negative.")
		}
	case TypeResume:
		if len(w.Rooms) > MaxResumeRooms {
			return f, chat.Invalid("rooms", "At most %d rooms per resume.", MaxResumeRooms)
		}
		f.Rooms = make(map[int64]int64, len(w.Rooms))
		for k, v := range w.Rooms {
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || id <= 0 {
				return f, chat.Invalid("rooms", "Room ids must be positive integers.")
			}
			if v < 0 {
				return f, chat.Invalid("rooms", "Seqs must not be negative.")
			}
			f.Rooms[id] = v
		}
	case "":
		return f, chat.Invalid("type", "type is required.")
	default:
		return f, chat.Errorf(chat.EBADREQUEST, "Unknown frame type %q.", truncate(w.Type, 32))
	}
	return f, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

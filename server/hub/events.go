package hub

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/parleychat/parley/server/chat"
)

// Server event payloads. Field order is the order clients see.
type (
	readyEvent struct {
		Type  string           `json:"type"`
		User  chat.User        `json:"user"`
		Rooms map[string]int64 `json:"rooms"`
		// Resuming says the resume point given at connect was taken: its
		// rooms are replayed next and resumed follows.
		Resuming bool `json:"resuming,omitempty"`
	}
	messageEvent struct {
		Type    string        `json:"type"`
		Message *chat.Message `json:"message"`
	}
	ackEvent struct {
		Type     string        `json:"type"`
		ClientID string        `json:"client_id"`
		Message  *chat.Message `json:"message"`
	}
	roomSeqEvent struct {
		Type   string `json:"type"`
		RoomID int64  `json:"room_id"`
		Seq    int64  `json:"seq"`
	}
	roomUserEvent struct {
		Type   string    `json:"type"`
		RoomID int64     `json:"room_id"`
		User   chat.User `json:"user"`
	}
	roomEvent struct {
		Type string     `json:"type"`
		Room *chat.Room `json:"room"`
	}
	roomIDEvent struct {
		Type   string `json:"type"`
		RoomID int64  `json:"room_id"`
	}
	presenceEvent struct {
		Type   string `json:"type"`
		UserID int64  `json:"user_id"`
		Online bool   `json:"online"`
	}
	errorEvent struct {
		Type     string `json:"type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		Field    string `json:"field,omitempty"`
		ClientID string `json:"client_id,omitempty"`
		RoomID   int64  `json:"room_id,omitempty"`
		// RetryAfter, on rate_limited, is how many seconds to wait.
		RetryAfter int64 `json:"retry_after,omitempty"`
	}
	typeEvent struct {
		Type string `json:"type"`
	}
)

// encodeAfter appends the JSON of v to a buffer that starts with skip zero
// bytes (room for an envelope header). HTML stays unescaped: bodies go out
// exactly as they were sent.
func encodeAfter(skip int, v any) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, skip, skip+256))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("hub: encode event: %w", err)
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode ends with a newline
}

// encode returns the JSON of one event.
func encode(v any) ([]byte, error) { return encodeAfter(0, v) }

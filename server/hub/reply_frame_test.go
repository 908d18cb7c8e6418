package hub_test

import (
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

func TestDecodeReplyFrame(t *testing.T) {
	for _, tc := range []struct {
		name, in, code string
		replyTo        int64
	}{
		{name: "OK", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":12}`, replyTo: 12},
		{name: "OKNull", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":null}`},
		{name: "OKAbsent", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1"}`},
		{name: "ErrZero", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":0}`, code: chat.EINVALID},
		{name: "ErrNegative", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":-2}`, code: chat.EINVALID},
		{name: "ErrText", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":"12"}`, code: chat.EINVALID},
		{name: "ErrFraction", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","reply_to":1.5}`, code: chat.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hub.DecodeFrame([]byte(tc.in))
			if code := chat.ErrorCode(err); code != tc.code {
				t.Fatalf("code %q (%v), want %q", code, err, tc.code)
			}
			if tc.code != "" {
				if f := chat.ErrorField(err); f != "reply_to" || got.ClientID != "c1" {
					t.Fatalf("field %q client_id %q, want reply_to and c1 (the error names the send)", f, got.ClientID)
				}
				return
			}
			if got.ReplyTo != tc.replyTo || got.RoomID != 4 || got.ClientID != "c1" {
				t.Fatalf("got %+v, want reply_to %d", got, tc.replyTo)
			}
		})
	}
}

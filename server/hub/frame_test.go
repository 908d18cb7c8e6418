package hub_test

import (
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

func TestDecodeFrame(t *testing.T) {
	for _, tc := range []struct {
		name, in, code, clientID string
		want                     hub.Frame
	}{
		{name: "Send", in: `{"type":"send","room_id":4,"body":"hi","client_id":"c1","extra":true}`,
			want: hub.Frame{Type: "send", RoomID: 4, Body: "hi", ClientID: "c1"}},
		{name: "Typing", in: `{"type":"typing","room_id":4}`, want: hub.Frame{Type: "typing", RoomID: 4}},
		{name: "Read", in: `{"type":"read","room_id":4,"seq":9}`, want: hub.Frame{Type: "read", RoomID: 4, Seq: 9}},
		{name: "Resume", in: `{"type":"resume","rooms":{"4":10,"5":0}}`,
			want: hub.Frame{Type: "resume", Rooms: map[int64]int64{4: 10, 5: 0}}},
		{name: "ErrNotJSON", in: `{"type":`, code: chat.EINVALIDJSON},
		{name: "ErrArray", in: `[1,2]`, code: chat.EINVALIDJSON},
		{name: "ErrNoType", in: `{}`, code: chat.EINVALID},
		{name: "ErrUnknownType", in: `{"type":"dance"}`, code: chat.EBADREQUEST},
		{name: "ErrRoomType", in: `{"type":"send","room_id":"4","client_id":"c9"}`, code: chat.EINVALID, clientID: "c9"},
		{name: "ErrNoRoom", in: `{"type":"send","body":"x","client_id":"c2"}`, code: chat.EINVALID, clientID: "c2"},
		{name: "ErrNegativeSeq", in: `{"type":"read","room_id":1,"seq":-1}`, code: chat.EINVALID},
		{name: "ErrResumeKey", in: `{"type":"resume","rooms":{"x":1}}`, code: chat.EINVALID},
		{name: "ErrResumeSeq", in: `{"type":"resume","rooms":{"1":-5}}`, code: chat.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hub.DecodeFrame([]byte(tc.in))
			if code := chat.ErrorCode(err); code != tc.code {
				t.Fatalf("code %q (%v), want %q", code, err, tc.code)
			}
			if tc.code != "" {
				if got.ClientID != tc.clientID {
					t.Fatalf("client_id %q, want %q", got.ClientID, tc.clientID)
				}
				return
			}
			if got.Type != tc.want.Type || got.RoomID != tc.want.RoomID || got.Body != tc.want.Body ||
				got.ClientID != tc.want.ClientID || got.Seq != tc.want.Seq || len(got.Rooms) != len(tc.want.Rooms) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for k, v := range tc.want.Rooms {
				if got.Rooms[k] != v {
					t.Fatalf("rooms %v, want %v", got.Rooms, tc.want.Rooms)
				}
			}
		})
	}
}

// FuzzDecodeFrame checks that no input panics the decoder and that every
// answer is a valid frame or an error of the contract's codes.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"send","room_id":1,"body":"hello","client_id":"a"}`,
		`{"type":"resume","rooms":{"1":0,"2":17}}`,
		`{"type":"typing","room_id":3}`,
		`{"type":"read","room_id":3,"seq":4}`,
		`{"type":"nope"}`, `{`, `null`, `"str"`, `{"type":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := hub.DecodeFrame(data)
		if err != nil {
			switch code := chat.ErrorCode(err); code {
			case chat.EINVALIDJSON, chat.EBADREQUEST, chat.EINVALID:
			default:
				t.Fatalf("error code %q for %q", code, data)
			}
			if chat.ErrorMessage(err) == "" {
				t.Fatalf("empty error message for %q", data)
			}
			return
		}
		switch fr.Type {
		case hub.TypeSend, hub.TypeTyping, hub.TypeRead:
			if fr.RoomID <= 0 {
				t.Fatalf("accepted room_id %d from %q", fr.RoomID, data)
			}
		case hub.TypeResume:
			if len(fr.Rooms) > hub.MaxResumeRooms {
				t.Fatalf("accepted %d rooms", len(fr.Rooms))
			}
			for id, seq := range fr.Rooms {
				if id <= 0 || seq < 0 {
					t.Fatalf("accepted room %d seq %d from %q", id, seq, data)
				}
			}
		default:
			t.Fatalf("accepted type %q from %q", fr.Type, data)
		}
	})
}

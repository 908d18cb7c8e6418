package hub_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

const wait = 5 * time.Second

func single(t *testing.T, o hub.Options) *replica {
	t.Helper()
	return newReplica(t, testenv.NewDatabase(t), o)
}

func TestConnect(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, token := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		if _, _, err := r.App.SendMessage(context.Background(), alice, room.ID, "before", "c0"); err != nil {
			t.Fatal(err)
		}
		c := dial(t, r.URL, token)
		e := c.next(wait, "ready", "message", "error")
		if e.Type != "ready" {
			t.Fatalf("first event %q, want ready", e.Type)
		}
		if got, want := e.Rooms[strconv.FormatInt(room.ID, 10)], int64(1); got != want {
			t.Fatalf("ready last_seq = %d, want %d", got, want)
		}
		if e.User == nil || e.User.ID != alice.ID {
			t.Fatalf("ready user = %+v, want %d", e.User, alice.ID)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		r := single(t, hub.Options{})
		d := websocket.Dialer{HandshakeTimeout: wait}
		_, resp, err := d.Dial(r.URL+"?token=bogus", nil)
		if err == nil || resp == nil || resp.StatusCode != 401 {
			t.Fatalf("dial with a bad token: err %v, resp %v; want 401", err, resp)
		}
	})
}

func TestSend(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, ta := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPrivate, bob)
		ca, cb := dial(t, r.URL, ta), dial(t, r.URL, tb)
		ca.next(wait, "ready")
		cb.next(wait, "ready")
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "<b>hi</b> & bye", ClientID: "k1"})
		var ack, own event
		for ack.Type == "" || own.Type == "" {
			// The broadcast may overtake the ack: both come after the commit.
			switch e := ca.next(wait, "ack", "message"); e.Type {
			case "ack":
				ack = e
			default:
				own = e
			}
		}
		if ack.ClientID != "k1" || ack.Msg == nil || ack.Msg.Seq != 1 || ack.Msg.Body != "<b>hi</b> & bye" {
			t.Fatalf("ack = %+v (%+v), want k1 seq 1 with the exact body", ack, ack.Msg)
		}
		got := cb.next(wait, "message")
		if got.Msg.Seq != 1 || got.Msg.User.ID != alice.ID || got.Msg.Body != "<b>hi</b> & bye" {
			t.Fatalf("bob got %+v, want alice's seq 1", got.Msg)
		}
		if own.Msg.Seq != 1 {
			t.Fatalf("alice got seq %d, want 1", own.Msg.Seq)
		}
		// A retried client_id acks the first message and broadcasts nothing.
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "again", ClientID: "k1"})
		if again := ca.next(wait, "ack"); again.Msg.Seq != 1 || again.Msg.Body != "<b>hi</b> & bye" {
			t.Fatalf("retried ack = %+v, want the first message", again.Msg)
		}
		cb.none(200*time.Millisecond, "message")
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, ta := newUser(t, r.App)
		_, tm := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPrivate)
		ca, cm := dial(t, r.URL, ta), dial(t, r.URL, tm)
		ca.next(wait, "ready")
		ready := cm.next(wait, "ready")
		if _, ok := ready.Rooms[strconv.FormatInt(room.ID, 10)]; ok {
			t.Fatal("outsider's ready lists the private room")
		}
		cm.send(sendFrame{Type: "send", RoomID: room.ID, Body: "intrusion", ClientID: "x1"})
		e := cm.next(wait, "error", "ack")
		if e.Type != "error" || e.Code != chat.ENOTFOUND || e.ClientID != "x1" {
			t.Fatalf("outsider send answered %+v, want error not_found for x1", e)
		}
		cm.send(resumeFrame{Type: "resume", Rooms: map[string]int64{strconv.FormatInt(room.ID, 10): 0}})
		if e := cm.next(wait, "error", "message"); e.Type != "error" || e.Code != chat.ENOTFOUND {
			t.Fatalf("outsider resume answered %+v, want error not_found", e)
		}
		ca.send(sendFrame{Type: "send", RoomID: room.ID, Body: "secret", ClientID: "s1"})
		ca.next(wait, "ack")
		cm.none(300*time.Millisecond, "message")
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		r := single(t, hub.Options{SendRate: 0.001, SendBurst: 3}) // no refill during the test
		alice, ta := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		for i := range 4 {
			c.send(sendFrame{Type: "send", RoomID: room.ID, Body: "x", ClientID: "r" + strconv.Itoa(i)})
		}
		for range 3 {
			c.next(wait, "ack")
		}
		e := c.next(wait, "error", "ack")
		if e.Type != "error" || e.Code != chat.ERATELIMITED || e.ClientID != "r3" {
			t.Fatalf("fourth send answered %+v, want rate_limited for r3", e)
		}
		// One token every 1000 s: the client is told to wait that long.
		if e.RetryAfter < 999 || e.RetryAfter > 1000 {
			t.Fatalf("retry_after = %d, want about 1000 seconds", e.RetryAfter)
		}
	})
}

func TestFrames(t *testing.T) {
	t.Run("ErrInvalid", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, ta := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		for _, tc := range []struct{ frame, code string }{
			{`{not json`, chat.EINVALIDJSON},
			{`{"type":"dance"}`, chat.EBADREQUEST},
			{`{"type":"send","room_id":"7","client_id":"q"}`, chat.EINVALID},
			{`{"type":"send","room_id":` + strconv.FormatInt(room.ID, 10) + `,"body":"","client_id":"q"}`, chat.EINVALID},
		} {
			c.sendText(tc.frame)
			if e := c.next(wait, "error"); e.Code != tc.code {
				t.Fatalf("frame %s answered code %q, want %q", tc.frame, e.Code, tc.code)
			}
		}
		c.send(sendFrame{Type: "send", RoomID: room.ID, Body: "still here", ClientID: "ok"})
		if ack := c.next(wait, "ack"); ack.ClientID != "ok" {
			t.Fatalf("ack after errors = %+v", ack)
		}
	})
	t.Run("ErrBinary", func(t *testing.T) {
		r := single(t, hub.Options{})
		alice, ta := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		frame := `{"type":"send","room_id":` + strconv.FormatInt(room.ID, 10) + `,"body":"bin","client_id":"b"}`
		c.wmu.Lock()
		err := c.ws.WriteMessage(websocket.BinaryMessage, []byte(frame))
		c.wmu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if code := c.closeCode(wait); code != websocket.CloseUnsupportedData {
			t.Fatalf("close code %d, want 1003", code)
		}
		msgs, _, err := r.App.Messages(context.Background(), alice, room.ID, chat.Page{Limit: 10})
		if err != nil || len(msgs) != 0 {
			t.Fatalf("messages after a binary send = %d, %v; want none stored", len(msgs), err)
		}
	})
	t.Run("ErrTooBig", func(t *testing.T) {
		r := single(t, hub.Options{ReadLimit: 1024})
		_, ta := newUser(t, r.App)
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		c.sendText(`{"type":"typing","room_id":1,"pad":"` + strings.Repeat("x", 2048) + `"}`)
		if code := c.closeCode(wait); code != websocket.CloseMessageTooBig {
			t.Fatalf("close code %d, want 1009", code)
		}
	})
}

func TestShutdown(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		_, ta := newUser(t, r.App)
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := r.Hub.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		if code := c.closeCode(wait); code != websocket.CloseGoingAway {
			t.Fatalf("close code %d, want 1001", code)
		}
	})
}

package hub_test

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// closeSessionEnded is the documented close code of a socket whose session
// ended.
const closeSessionEnded = 4001

// revokeQuietly deletes a session straight from the store, as if the
// logout's event never reached any hub.
func revokeQuietly(t *testing.T, dsn, token string) {
	t.Helper()
	_, store := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
	hash, err := hex.DecodeString(app.SessionID(token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.DeleteSession(context.Background(), hash); err != nil {
		t.Fatalf("delete session: %v", err)
	}
}

// closedWithout waits for the server to close c and fails if an event of
// type bad arrives first; it returns the close code.
func closedWithout(t *testing.T, c *client, bad string) int {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				return c.closeCode(wait)
			}
			if e.Type == bad {
				t.Fatalf("got %s (client_id %q) from a socket whose session ended", bad, e.ClientID)
			}
		case <-deadline:
			t.Fatalf("socket not closed within %v", wait)
		}
	}
}

func TestSessionEnded(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rs := cluster(t, 2, testenv.RedisAddr, hub.Options{})
		ctx := context.Background()
		alice, t1 := newUser(t, rs[0].App)
		_, t2, err := rs[0].App.Login(ctx, alice.Username, "password123")
		if err != nil {
			t.Fatal(err)
		}
		room := newRoom(t, rs[0].App, alice, chat.RoomPrivate)
		here, there, other := dial(t, rs[0].URL, t1), dial(t, rs[1].URL, t1), dial(t, rs[1].URL, t2)
		for _, c := range []*client{here, there, other} {
			c.next(wait, "ready")
		}
		if err := rs[0].App.Logout(ctx, t1); err != nil {
			t.Fatal(err)
		}
		// Both replicas close the sockets of that session, and only those.
		for name, c := range map[string]*client{"same replica": here, "other replica": there} {
			if code := c.closeCode(2 * time.Second); code != closeSessionEnded {
				t.Fatalf("%s: close code %d, want %d", name, code, closeSessionEnded)
			}
		}
		other.send(sendFrame{Type: "send", RoomID: room.ID, Body: "still signed in", ClientID: "o1"})
		if ack := other.next(wait, "ack"); ack.ClientID != "o1" {
			t.Fatalf("other session's ack = %+v", ack)
		}
	})
	t.Run("ErrEventLost", func(t *testing.T) {
		dsn := testenv.NewDatabase(t)
		r := newReplica(t, dsn, hub.Options{RecheckInterval: 200 * time.Millisecond})
		_, token := newUser(t, r.App)
		c := dial(t, r.URL, token)
		c.next(wait, "ready")
		revokeQuietly(t, dsn, token)
		if code := c.closeCode(wait); code != closeSessionEnded {
			t.Fatalf("close code %d, want %d", code, closeSessionEnded)
		}
	})
	t.Run("ErrSend", func(t *testing.T) {
		dsn := testenv.NewDatabase(t)
		// No re-check during the test: the send itself must notice.
		r := newReplica(t, dsn, hub.Options{RecheckInterval: time.Hour})
		alice, token := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPrivate)
		c := dial(t, r.URL, token)
		c.next(wait, "ready")
		revokeQuietly(t, dsn, token)
		c.send(sendFrame{Type: "send", RoomID: room.ID, Body: "after logout", ClientID: "late"})
		if code := closedWithout(t, c, "ack"); code != closeSessionEnded {
			t.Fatalf("close code %d, want %d", code, closeSessionEnded)
		}
		msgs, _, err := r.App.Messages(context.Background(), alice, room.ID, chat.Page{Limit: 10})
		if err != nil || len(msgs) != 0 {
			t.Fatalf("messages = %d, %v; want none stored after the session ended", len(msgs), err)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		url, _ := startFake(t, hub.Options{})
		c := dial(t, url+"?expire=300ms", "7")
		c.next(wait, "ready")
		if code := c.closeCode(wait); code != closeSessionEnded {
			t.Fatalf("close code %d, want %d", code, closeSessionEnded)
		}
		late := newClient(t, dialRaw(t, url+"?expire=-1s", "8"))
		if code := late.closeCode(wait); code != closeSessionEnded {
			t.Fatalf("already expired: close code %d, want %d", code, closeSessionEnded)
		}
	})
}

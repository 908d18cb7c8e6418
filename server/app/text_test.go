package app_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// Text the store cannot hold (NUL, invalid UTF-8) and names that hide or
// reorder characters are the caller's mistake: EINVALID on the field, and
// nothing stored.
func TestHostileText(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	u, _ := e.user(t)
	room, err := e.app.CreateRoom(ctx, u, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	const nul, bad = "a\x00b", "a\xffb"
	t.Run("ErrRegister", func(t *testing.T) {
		cases := []struct{ username, password, display, field string }{
			{"ok" + nul, "password123", "", "username"},
			{"okname", "password\x00123", "", "password"},
			{"okname", "password\xff123", "", "password"},
			{"okname", "password123", nul, "display_name"},
			{"okname", "password123", bad, "display_name"},
			{"okname", "password123", "Eve\u202eoaB", "display_name"},
			{"okname", "password123", "Bo\u200bb", "display_name"},
			{"okname", "password123", "\u2066Bob\u2069", "display_name"},
			{"okname", "password123", "Bob\u061c", "display_name"},
			{"okname", "password123", "Bob\u200f", "display_name"},
			{"okname", "password123", "Bob\ufeff", "display_name"},
			{"okname", "password123", "Bob\nAlice", "display_name"},
		}
		for _, c := range cases {
			_, _, err := e.app.Register(ctx, c.username, c.password, c.display)
			wantInvalid(t, err, c.field)
		}
		if _, err := e.store.FindCredentials(ctx, "okname"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("a refused registration stored a user: %v", err)
		}
	})
	t.Run("ErrLogin", func(t *testing.T) {
		_, _, err := e.app.Login(ctx, u.Username+nul, "password123")
		wantInvalid(t, err, "username")
		_, _, err = e.app.Login(ctx, u.Username+bad, "password123")
		wantInvalid(t, err, "username")
		_, _, err = e.app.Login(ctx, u.Username, "password123"+nul)
		wantInvalid(t, err, "password")
	})
	t.Run("ErrSearchUsers", func(t *testing.T) {
		_, err := e.app.SearchUsers(ctx, u, "us"+nul)
		wantInvalid(t, err, "q")
		_, err = e.app.SearchUsers(ctx, u, "us"+bad)
		wantInvalid(t, err, "q")
	})
	t.Run("ErrCreateRoom", func(t *testing.T) {
		cases := []struct{ name, topic, field string }{
			{nul, "", "name"},
			{bad, "", "name"},
			{"gen\u202eeral", "", "name"},
			{"gen\u200deral", "", "name"},
			{"general", nul, "topic"},
			{"general", bad, "topic"},
			{"general", "see \u2067here\u2069", "topic"},
		}
		for _, c := range cases {
			_, err := e.app.CreateRoom(ctx, u, c.name, c.topic, chat.RoomPublic)
			wantInvalid(t, err, c.field)
		}
		rooms, err := e.app.MyRooms(ctx, u)
		if err != nil || len(rooms) != 1 {
			t.Fatalf("rooms = %v, %v; want only the first room", rooms, err)
		}
	})
	t.Run("ErrSend", func(t *testing.T) {
		_, _, err := e.app.SendMessage(ctx, u, room.ID, "hi"+nul, "c1")
		wantInvalid(t, err, "body")
		_, _, err = e.app.SendMessage(ctx, u, room.ID, "hi"+bad, "c1")
		wantInvalid(t, err, "body")
		_, _, err = e.app.SendMessage(ctx, u, room.ID, "hi", "c"+nul)
		wantInvalid(t, err, "client_id")
		_, _, err = e.app.SendMessage(ctx, u, room.ID, "hi", "c"+bad)
		wantInvalid(t, err, "client_id")
	})
	t.Run("OKBodyKeepsWhatPeopleType", func(t *testing.T) {
		body := "<b>hi</b> \u202eevil\u202c zero\u200bwidth\ttab\nline"
		m, _, err := e.app.SendMessage(ctx, u, room.ID, body, "keep")
		if err != nil || m.Body != body {
			t.Fatalf("send = %v, %v; want the body exactly as sent", m, err)
		}
	})
	t.Run("ErrEdit", func(t *testing.T) {
		m := e.send(t, u, room.ID, "to-edit")
		_, err := e.app.EditMessage(ctx, u, room.ID, m.Seq, "x"+nul)
		wantInvalid(t, err, "body")
		got, err := e.store.FindMessage(ctx, room.ID, m.Seq)
		if err != nil || got.Body != m.Body {
			t.Fatalf("message = %v, %v; want it unchanged", got, err)
		}
	})
	t.Run("OKPlainNames", func(t *testing.T) {
		_, _, err := e.app.Register(ctx, "zoe", "password123", "Zoë Ångström 山田")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateRoom(ctx, u, "café ☕", "Tout & rien <ici>", chat.RoomPublic); err != nil {
			t.Fatal(err)
		}
	})
}

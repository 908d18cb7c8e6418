package pages_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/pages"
)

func TestRoomReactions(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob := e.browser(), e.browser()
	alice.signUp("rxalice")
	bob.signUp("rxbob")
	ua, err := e.app.Authenticate(ctx, alice.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	ub, err := e.app.Authenticate(ctx, bob.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.app.CreateRoom(ctx, ua, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.JoinRoom(ctx, ub, room.ID); err != nil {
		t.Fatal(err)
	}
	m, _, err := e.app.SendMessage(ctx, ua, room.ID, "react here", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.AddReaction(ctx, ua, room.ID, m.Seq, "🎉"); err != nil {
		t.Fatal(err)
	}
	roomPath := "/rooms/" + strconv.FormatInt(room.ID, 10)
	formPath := roomPath + "/messages/" + strconv.FormatInt(m.Seq, 10) + "/reactions"

	t.Run("ShowsCounts", func(t *testing.T) {
		if p := alice.get(roomPath); !strings.Contains(p.body, `class="reaction mine" aria-pressed="true"`) || !strings.Contains(p.body, "🎉 1</button>") {
			t.Fatalf("alice's page lacks her pressed 🎉 1: %.2000s", p.body)
		}
		if p := bob.get(roomPath); !strings.Contains(p.body, `class="reaction" aria-pressed="false"`) || !strings.Contains(p.body, "🎉 1</button>") {
			t.Fatalf("bob's page lacks the 🎉 1 chip: %.2000s", p.body)
		}
	})

	t.Run("ToggleByForm", func(t *testing.T) {
		tag := bob.get(roomPath).header.Get("ETag")
		add := url.Values{"emoji": {"🎉"}, "action": {"add"}}
		for range 2 { // the same form twice adds once
			p := bob.post(formPath, add)
			if p.status != 303 || p.header.Get("Location") != roomPath+"#m-"+strconv.FormatInt(m.Seq, 10) {
				t.Fatalf("got %d Location %q", p.status, p.header.Get("Location"))
			}
		}
		p := bob.get(roomPath, "If-None-Match", tag)
		if p.status != 200 || !strings.Contains(p.body, "🎉 2</button>") || !strings.Contains(p.body, `value="remove"`) {
			t.Fatalf("after adding: %d %.2000s", p.status, p.body)
		}
		bob.post(formPath, url.Values{"emoji": {"🎉"}, "action": {"remove"}})
		if p := bob.get(roomPath); !strings.Contains(p.body, "🎉 1</button>") {
			t.Fatalf("after removing: %.2000s", p.body)
		}
	})

	t.Run("ErrBadForm", func(t *testing.T) {
		if p := bob.post(formPath, url.Values{"emoji": {"hello"}, "action": {"add"}}); p.status != 422 {
			t.Fatalf("a word as emoji: %d", p.status)
		}
		if p := bob.post(formPath, url.Values{"emoji": {"🎉"}, "action": {"toggle"}}); p.status != 422 {
			t.Fatalf("an unknown action: %d", p.status)
		}
		if p := bob.post(roomPath+"/messages/999/reactions", url.Values{"emoji": {"🎉"}, "action": {"add"}}); p.status != 404 {
			t.Fatalf("a missing message: %d", p.status)
		}
		secret, err := e.app.CreateRoom(ctx, ua, "secret", "", chat.RoomPrivate)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := e.app.SendMessage(ctx, ua, secret.ID, "hidden", "c2")
		if err != nil {
			t.Fatal(err)
		}
		path := "/rooms/" + strconv.FormatInt(secret.ID, 10) + "/messages/" + strconv.FormatInt(s.Seq, 10) + "/reactions"
		if p := bob.post(path, url.Values{"emoji": {"🎉"}, "action": {"add"}}); p.status != 404 {
			t.Fatalf("another's private room: %d", p.status)
		}
	})
}

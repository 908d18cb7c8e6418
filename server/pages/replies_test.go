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

func TestThreadPages(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob := e.browser(), e.browser()
	alice.signUp("threada")
	bob.signUp("threadb")
	ua, err := e.app.Authenticate(ctx, alice.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.app.CreateRoom(ctx, ua, "threads", "", chat.RoomPrivate)
	if err != nil {
		t.Fatal(err)
	}
	parent, _, err := e.app.SendMessage(ctx, ua, room.ID, "the question", "q")
	if err != nil {
		t.Fatal(err)
	}
	roomPath := "/rooms/" + strconv.FormatInt(room.ID, 10)
	threadPath := roomPath + "/threads/" + strconv.FormatInt(parent.Seq, 10)

	t.Run("OKReplyLinkBeforeAnyReply", func(t *testing.T) {
		p := alice.get(roomPath)
		if !strings.Contains(p.body, `<a href="`+threadPath+`">Reply</a>`) {
			t.Errorf("room page lacks the link to reply: %.1500s", p.body)
		}
	})
	t.Run("OKPostReply", func(t *testing.T) {
		form := alice.get(threadPath)
		if form.status != 200 || !strings.Contains(form.body, "the question") || !strings.Contains(form.body, "No replies yet.") {
			t.Fatalf("thread page: %d %.1500s", form.status, form.body)
		}
		id := formClientID(t, form)
		p := alice.post(threadPath, url.Values{"body": {"an <answer>"}, "client_id": {id}})
		if p.status != 303 || p.header.Get("Location") != threadPath+"#m-2" {
			t.Fatalf("got %d Location %q, want 303 to %s#m-2", p.status, p.header.Get("Location"), threadPath)
		}
		if again := alice.post(threadPath, url.Values{"body": {"an <answer>"}, "client_id": {id}}); again.header.Get("Location") != threadPath+"#m-2" {
			t.Errorf("resend: Location %q, want the first reply", again.header.Get("Location"))
		}
		thread := alice.get(threadPath)
		if !strings.Contains(thread.body, `<div class="body"><p>an &lt;answer&gt;</p></div>`) {
			t.Errorf("thread lacks the escaped reply: %.1500s", thread.body)
		}
		// The room lists the parent with its count, not the reply.
		rp := alice.get(roomPath)
		if !strings.Contains(rp.body, `<a href="`+threadPath+`">1 reply</a>`) {
			t.Errorf("room page lacks \"1 reply\": %.1500s", rp.body)
		}
		if strings.Contains(rp.body, "an &lt;answer&gt;") {
			t.Error("the room page shows the reply itself")
		}
	})
	t.Run("OKReplyPageRedirectsToItsThread", func(t *testing.T) {
		p := alice.get(roomPath + "/threads/2")
		if p.status != 303 || p.header.Get("Location") != threadPath+"#m-2" {
			t.Errorf("thread of a reply: %d %q, want 303 to its parent's", p.status, p.header.Get("Location"))
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		tag := alice.get(threadPath).header.Get("ETag")
		if p := alice.get(threadPath, "If-None-Match", tag); p.status != 304 {
			t.Errorf("unchanged thread: got %d, want 304", p.status)
		}
		if _, _, err := e.app.SendMessage(ctx, ua, room.ID, "elsewhere", "c-elsewhere"); err != nil {
			t.Fatal(err)
		}
		if p := alice.get(threadPath, "If-None-Match", tag); p.status != 304 {
			t.Errorf("after a message outside the thread: got %d, want 304", p.status)
		}
		if _, _, err := e.app.SendReply(ctx, ua, room.ID, parent.Seq, "second answer", "c-second"); err != nil {
			t.Fatal(err)
		}
		if p := alice.get(threadPath, "If-None-Match", tag); p.status != 200 || !strings.Contains(p.body, "second answer") {
			t.Errorf("after a reply: got %d, want 200 with it", p.status)
		}
	})
	t.Run("ErrEmptyReply", func(t *testing.T) {
		p := alice.post(threadPath, url.Values{"body": {""}, "client_id": {"form-empty-reply"}})
		if p.status != 422 || !strings.Contains(p.body, `role="alert"`) || !strings.Contains(p.body, "the question") {
			t.Errorf("got %d %.500s, want 422 with the error on the thread page", p.status, p.body)
		}
	})
	t.Run("ErrDeletedParent", func(t *testing.T) {
		gone, _, err := e.app.SendMessage(ctx, ua, room.ID, "soon gone", "c-gone")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.DeleteMessage(ctx, ua, room.ID, gone.Seq); err != nil {
			t.Fatal(err)
		}
		path := roomPath + "/threads/" + strconv.FormatInt(gone.Seq, 10)
		if p := alice.get(path); p.status != 200 || !strings.Contains(p.body, "takes no more replies") || strings.Contains(p.body, `action="`+path+`"`) {
			t.Errorf("deleted parent's thread: %d %.800s, want no form", p.status, p.body)
		}
		if p := alice.post(path, url.Values{"body": {"late"}, "client_id": {"form-late"}}); p.status != 422 {
			t.Errorf("reply to a deleted message: got %d, want 422", p.status)
		}
	})
	t.Run("ErrPrivateRoom", func(t *testing.T) {
		for _, path := range []string{threadPath, roomPath + "/threads/999", "/rooms/999999/threads/1"} {
			if p := bob.get(path); p.status != 404 || strings.Contains(p.body, "the question") {
				t.Errorf("%s: outsider got %d, want 404", path, p.status)
			}
		}
		if p := bob.post(threadPath, url.Values{"body": {"sneaky"}, "client_id": {"form-sneaky"}}); p.status != 404 {
			t.Errorf("outsider's reply: got %d, want 404", p.status)
		}
	})
	t.Run("ErrBadPath", func(t *testing.T) {
		for _, path := range []string{roomPath + "/threads/abc", roomPath + "/threads/0", roomPath + "/threads/-1"} {
			if p := alice.get(path); p.status != 404 {
				t.Errorf("%s: got %d, want 404", path, p.status)
			}
		}
	})
}

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

func TestRooms(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob := e.browser(), e.browser()
	alice.signUp("alice")
	bob.signUp("bob")
	ua, err := e.app.Authenticate(ctx, alice.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	ub, err := e.app.Authenticate(ctx, bob.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	general, err := e.app.CreateRoom(ctx, ua, "general <3", "Talk & chat", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.app.CreateRoom(ctx, ub, "bob's secret", "", chat.RoomPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.JoinRoom(ctx, ub, general.ID); err != nil {
		t.Fatal(err)
	}
	roomPath := "/rooms/" + strconv.FormatInt(general.ID, 10)

	t.Run("RoomListWithUnread", func(t *testing.T) {
		for i := range 2 {
			if _, _, err := e.app.SendMessage(ctx, ub, general.ID, "hello "+strconv.Itoa(i), "c"+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		p := alice.get("/")
		if !strings.Contains(p.body, `href="`+roomPath+`"><span class="row-name">general &lt;3</span>`) {
			t.Errorf("room link missing: %.600s", p.body)
		}
		if !strings.Contains(p.body, `<span class="badge badge-unread" title="unread messages">2<span class="vh"> unread</span></span></a>`) {
			t.Errorf("unread badge of 2 missing: %.600s", p.body)
		}
		if strings.Contains(p.body, "secret") {
			t.Error("another user's private room is listed")
		}
	})
	t.Run("ReadRoom", func(t *testing.T) {
		p := alice.get(roomPath)
		if p.status != 200 {
			t.Fatalf("status %d", p.status)
		}
		wantHTMLHeaders(t, p)
		for _, want := range []string{"Talk &amp; chat", `<div class="body"><p>hello 0</p></div>`, `action="` + roomPath + `/messages"`, `name="body"`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("room page lacks %q", want)
			}
		}
		if strings.Index(p.body, "hello 0") > strings.Index(p.body, "hello 1") {
			t.Error("messages are not oldest first")
		}
		if got := p.header.Get("Cache-Control"); got != "private, no-cache" {
			t.Errorf("Cache-Control: got %q", got)
		}
	})
	t.Run("PostEscaped", func(t *testing.T) {
		form := alice.get(roomPath)
		id := formClientID(t, form)
		body := `<script>alert("x")</script>`
		p := alice.post(roomPath+"/messages", url.Values{"body": {body}, "client_id": {id}})
		if p.status != 303 || p.header.Get("Location") != roomPath+"#m-3" {
			t.Fatalf("got %d Location %q, want 303 to %s#m-3", p.status, p.header.Get("Location"), roomPath)
		}
		// The same form sent again is stored once.
		if again := alice.post(roomPath+"/messages", url.Values{"body": {body}, "client_id": {id}}); again.header.Get("Location") != roomPath+"#m-3" {
			t.Errorf("resend: Location %q, want the first message", again.header.Get("Location"))
		}
		page := alice.get(roomPath)
		if !strings.Contains(page.body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
			t.Errorf("escaped body missing: %.1500s", page.body)
		}
		if strings.Contains(page.body, "<script>alert") {
			t.Error("the body reached the page unescaped")
		}
		if formClientID(t, page) == id {
			t.Error("a new form reuses the client_id of the last post")
		}
		msgs, _, err := e.app.Messages(ctx, ua, general.ID, chat.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 3 || msgs[2].Body != body {
			t.Errorf("stored %d messages, last %q; want 3 with the body as sent", len(msgs), msgs[len(msgs)-1].Body)
		}
	})
	t.Run("ErrEmptyBody", func(t *testing.T) {
		p := alice.post(roomPath+"/messages", url.Values{"body": {""}, "client_id": {"form-empty"}})
		if p.status != 422 || !strings.Contains(p.body, `role="alert"`) || !strings.Contains(p.body, "hello 0") {
			t.Errorf("got %d %.500s, want 422 with the error on the room page", p.status, p.body)
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		tag := alice.get(roomPath).header.Get("ETag")
		if p := alice.get(roomPath, "If-None-Match", tag); p.status != 304 {
			t.Errorf("unchanged room: got %d, want 304", p.status)
		}
		if p := bob.get(roomPath, "If-None-Match", tag); p.status != 200 {
			t.Errorf("another user with the same tag: got %d, want 200", p.status)
		}
		if _, _, err := e.app.SendMessage(ctx, ub, general.ID, "news", "c-news"); err != nil {
			t.Fatal(err)
		}
		if p := alice.get(roomPath, "If-None-Match", tag); p.status != 200 || !strings.Contains(p.body, "news") {
			t.Errorf("after a new message: got %d, want 200 with it", p.status)
		}
	})
	t.Run("ErrPrivateRoom", func(t *testing.T) {
		path := "/rooms/" + strconv.FormatInt(secret.ID, 10)
		p := alice.get(path)
		if p.status != 404 || strings.Contains(p.body, "secret") {
			t.Errorf("got %d, want 404 hiding the room", p.status)
		}
		wantHTMLHeaders(t, p)
		if p := alice.post(path+"/messages", url.Values{"body": {"hi"}}); p.status != 404 {
			t.Errorf("post: got %d, want 404", p.status)
		}
		if p := bob.get(path); p.status != 200 || !strings.Contains(p.body, "bob&#39;s secret") {
			t.Errorf("owner: got %d", p.status)
		}
	})
	t.Run("ErrBadRoomID", func(t *testing.T) {
		for _, path := range []string{"/rooms/abc", "/rooms/0", "/rooms/99999999"} {
			if p := alice.get(path); p.status != 404 {
				t.Errorf("%s: got %d, want 404", path, p.status)
			}
		}
	})
}

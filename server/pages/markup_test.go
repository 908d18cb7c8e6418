package pages_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/markup"
	"github.com/parleychat/parley/server/pages"
)

func TestRoomFormatting(t *testing.T) {
	e := newEnv(t, spaBuild)
	ctx := context.Background()
	ana := e.browser()
	ana.signUp("anaformat")
	u, err := e.app.Authenticate(ctx, ana.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.app.CreateRoom(ctx, u, "formatting", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	path := "/rooms/" + strconv.FormatInt(room.ID, 10)
	body := "**bold** _it_ ~~gone~~ `code` @room\n- one\n> quoted https://example.com/a?b=1&c=2\n```\n<script>alert(1)</script>\n```\n<img src=x onerror=alert(2)>"
	if _, _, err := e.app.SendMessage(ctx, u, room.ID, body, "f1"); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		p := ana.get(path)
		if p.status != 200 {
			t.Fatalf("status %d", p.status)
		}
		want := `<div class="body">` + string(markup.Render(body)) + `</div>`
		if !strings.Contains(p.body, want) {
			t.Errorf("room page lacks the formatted body %s\n%.3000s", want, p.body)
		}
		for _, el := range []string{"<strong>bold</strong>", "<em>it</em>", "<del>gone</del>", "<code>code</code>", `<span class="mention">@room</span>`, "<ul><li>one</li></ul>", "<blockquote>", `rel="noopener noreferrer nofollow" target="_blank"`, "<pre><code>&lt;script&gt;"} {
			if !strings.Contains(p.body, el) {
				t.Errorf("room page lacks %s", el)
			}
		}
		if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img") {
			t.Error("markup from the body reached the page as HTML")
		}
		// The stored body is untouched.
		msgs, _, err := e.app.Messages(ctx, u, room.ID, chat.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].Body != body {
			t.Errorf("stored %q, want the body as sent", msgs[0].Body)
		}
	})
	t.Run("OKEdited", func(t *testing.T) {
		tag := ana.get(path).header.Get("ETag")
		if _, err := e.app.EditMessage(ctx, u, room.ID, 1, "now *italic*"); err != nil {
			t.Fatal(err)
		}
		p := ana.get(path, "If-None-Match", tag)
		if p.status != 200 || !strings.Contains(p.body, `<div class="body"><p>now <em>italic</em></p></div>`) {
			t.Errorf("after the edit: got %d, want 200 with the new body formatted: %.2000s", p.status, p.body)
		}
	})
}

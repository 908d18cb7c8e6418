package pages_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/pages"
)

func TestSearchPage(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob := e.browser(), e.browser()
	alice.signUp("salice")
	bob.signUp("sbob")
	ua, err := e.app.Authenticate(ctx, alice.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	ub, err := e.app.Authenticate(ctx, bob.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.app.CreateRoom(ctx, ua, "ops", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.app.CreateRoom(ctx, ub, "secret", "", chat.RoomPrivate)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 60; i++ {
		body := fmt.Sprintf("filler %d", i)
		if i == 5 {
			body = "the <b>rollout</b> is done"
		}
		if _, _, err := e.app.SendMessage(ctx, ua, room.ID, body, "c"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.app.SendMessage(ctx, ub, secret.ID, "rollout of the secret", "s1"); err != nil {
		t.Fatal(err)
	}

	t.Run("OKMarkedAndLinked", func(t *testing.T) {
		p := alice.get("/search?q=" + url.QueryEscape("rollo"))
		if p.status != 200 {
			t.Fatalf("status %d: %.400s", p.status, p.body)
		}
		link := fmt.Sprintf(`href="/rooms/%d?at=5#m-5">ops</a>`, room.ID)
		if !strings.Contains(p.body, link) {
			t.Errorf("no link to the message in its room (%s): %.1500s", link, p.body)
		}
		if !strings.Contains(p.body, `<p class="body">the &lt;b&gt;<mark>rollout</mark>&lt;/b&gt; is done</p>`) {
			t.Errorf("body not escaped and marked: %.1500s", p.body)
		}
		if strings.Contains(p.body, "secret") {
			t.Error("another user's private room was searched")
		}
		if p.header.Get("Cache-Control") != "private, no-cache" || p.header.Get("ETag") == "" {
			t.Errorf("headers %v", p.header)
		}
	})

	t.Run("OKRoomOpensAtTheMessage", func(t *testing.T) {
		p := alice.get(fmt.Sprintf("/rooms/%d?at=5", room.ID))
		if !strings.Contains(p.body, `<li id="m-5" class="target">`) {
			t.Errorf("the message is not marked: %.2000s", p.body)
		}
		// The newest page (11–60) would not hold it.
		if !strings.Contains(p.body, `id="m-1"`) || strings.Contains(p.body, `id="m-60"`) {
			t.Errorf("not the history around seq 5: %.2000s", p.body)
		}
		latest := alice.get(fmt.Sprintf("/rooms/%d", room.ID))
		if !strings.Contains(latest.body, `id="m-60"`) || latest.header.Get("ETag") == p.header.Get("ETag") {
			t.Errorf("the latest page and the page at seq 5 share an ETag or content")
		}
	})

	t.Run("OKOlderPages", func(t *testing.T) {
		p := alice.get("/search?q=filler")
		if strings.Count(p.body, "<mark>filler</mark>") != chat.SearchDefaultLimit {
			t.Fatalf("first page: %d marks", strings.Count(p.body, "<mark>filler</mark>"))
		}
		i := strings.Index(p.body, `<a href="/search?before_id=`)
		if i < 0 {
			t.Fatalf("no link to older matches: %.2000s", p.body)
		}
		href := p.body[i+len(`<a href="`):]
		href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
		older := alice.get(href)
		if older.status != 200 || !strings.Contains(older.body, "<mark>filler</mark> 39<") {
			t.Fatalf("older page: %d %.1500s", older.status, older.body)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		p := alice.get("/search?q=" + url.QueryEscape("from:alice"))
		if p.status != 422 || !strings.Contains(p.body, "Give at least one word") {
			t.Fatalf("status %d: %.600s", p.status, p.body)
		}
		if p := alice.get("/search?q=x&before_id=-2"); p.status != 422 {
			t.Fatalf("bad before_id: status %d", p.status)
		}
	})

	t.Run("ErrSignedOut", func(t *testing.T) {
		if p := e.browser().get("/search?q=rollout"); p.status != 401 || strings.Contains(p.body, "rollout is done") {
			t.Fatalf("signed out: %d %.300s", p.status, p.body)
		}
	})

	t.Run("OKFormOnly", func(t *testing.T) {
		p := alice.get("/search")
		if p.status != 200 || !strings.Contains(p.body, `action="/search"`) || strings.Contains(p.body, "No messages match") {
			t.Fatalf("status %d: %.600s", p.status, p.body)
		}
	})
}

package pages_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/pages"
)

// TestPhoneLayout checks the markup the narrow-screen styles rely on: the
// list page is the room list alone, a room page is the room alone with a
// back link in its header, its messages in a scroller and the composer
// last.
func TestPhoneLayout(t *testing.T) {
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
	room, err := e.app.CreateRoom(ctx, ua, "lobby", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.JoinRoom(ctx, ub, room.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.app.SendMessage(ctx, ub, room.ID, "hi alice", "p1"); err != nil {
		t.Fatal(err)
	}
	roomPath := "/rooms/" + strconv.FormatInt(room.ID, 10)

	t.Run("ListScreen", func(t *testing.T) {
		p := alice.get("/")
		link := `<a class="room-row" href="` + roomPath + `"><span class="row-name">lobby</span> <span class="badge badge-unread" title="unread messages">1<span class="vh"> unread</span></span></a>`
		if !strings.Contains(p.body, link) {
			t.Errorf("the list lacks the room's link with its badge inside: %.1200s", p.body)
		}
		for _, not := range []string{"hi alice", `class="post-form"`, `class="back"`} {
			if strings.Contains(p.body, not) {
				t.Errorf("the list page shows %q, which belongs to the room screen", not)
			}
		}
	})
	t.Run("RoomScreen", func(t *testing.T) {
		p := alice.get(roomPath)
		order := []string{
			`<div class="ssr ssr-room">`,
			`<header class="room-bar">`,
			`<a class="back" href="/"><span aria-hidden="true">←</span> All rooms</a>`,
			`<h1>lobby</h1>`,
			`</header>`,
			`<div class="scroll">`,
			`<div class="body"><p>hi alice</p></div>`,
			`<form class="post-form" method="post" action="` + roomPath + `/messages">`,
			`<span class="label-text">Message</span> <textarea name="body"`,
			`<button type="submit">Send</button>`,
		}
		at := 0
		for _, want := range order {
			i := strings.Index(p.body[at:], want)
			if i < 0 {
				t.Fatalf("room page lacks %q after offset %d: %.2000s", want, at, p.body)
			}
			at += i + len(want)
		}
		if strings.Contains(p.body, `class="rooms"`) {
			t.Error("the room page shows the room list")
		}
	})
	t.Run("Stylesheet", func(t *testing.T) {
		href := regexp.MustCompile(`href="(/_pages/style\.[^"]+\.css)"`).FindStringSubmatch(alice.get("/").body)
		if href == nil {
			t.Fatal("no stylesheet link")
		}
		css := alice.get(href[1]).body
		i := strings.Index(css, "@media (max-width:699.98px){")
		if i < 0 {
			t.Fatal("no narrow-screen rules")
		}
		phone := css[i:]
		for _, want := range []string{
			".ssr a,.ssr button,.ssr input,.ssr textarea{min-height:44px}",
			".ssr-room{height:100vh;height:100dvh;",
			".ssr .scroll{flex:1;min-height:0;overflow-y:auto;display:flex;flex-direction:column-reverse;",
		} {
			if !strings.Contains(phone, want) {
				t.Errorf("narrow-screen rules lack %q", want)
			}
		}
	})
}

// TestPageTimes checks that a room page writes message times by the shared
// rule in the zone of the time-zone cookie, UTC without one, and that the
// zone is part of the page's ETag.
func TestPageTimes(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	alice := e.browser()
	alice.signUp("alice")
	ua, err := e.app.Authenticate(ctx, alice.cookies[pages.SessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	room, err := e.app.CreateRoom(ctx, ua, "clocks", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	msg, _, err := e.app.SendMessage(ctx, ua, room.ID, "tick", "t1")
	if err != nil {
		t.Fatal(err)
	}
	roomPath := "/rooms/" + strconv.FormatInt(room.ID, 10)
	timeTag := regexp.MustCompile(`<li id="m-1">.*?<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>`)

	shown := func(t *testing.T, zone string) (iso, title, text, etag string) {
		t.Helper()
		if zone == "" {
			delete(alice.cookies, pages.TimeZoneCookie)
		} else {
			alice.cookies[pages.TimeZoneCookie] = zone
		}
		p := alice.get(roomPath)
		m := timeTag.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no time of message 1 in %.1500s", p.body)
		}
		return m[1], m[2], m[3], p.header.Get("ETag")
	}
	// The expected text is computed after the page: a render across
	// midnight would otherwise see another "today".
	want := func(loc *time.Location) string { return pages.Clock(msg.CreatedAt, time.Now(), loc) }

	t.Run("UTCWithoutCookie", func(t *testing.T) {
		iso, title, text, _ := shown(t, "")
		if iso != msg.CreatedAt.UTC().Format(time.RFC3339) {
			t.Errorf("datetime %q, want %q", iso, msg.CreatedAt.UTC().Format(time.RFC3339))
		}
		if text != want(time.UTC) || !strings.HasSuffix(title, " UTC") {
			t.Errorf("got %q (title %q), want %q in UTC", text, title, want(time.UTC))
		}
	})
	t.Run("CookieZone", func(t *testing.T) {
		kolkata, err := time.LoadLocation("Asia/Kolkata")
		if err != nil {
			t.Fatal(err)
		}
		_, title, text, _ := shown(t, "Asia/Kolkata")
		if text != want(kolkata) || !strings.HasSuffix(title, " Asia/Kolkata") {
			t.Errorf("got %q (title %q), want %q in Asia/Kolkata", text, title, want(kolkata))
		}
		// Kolkata is 5:30 ahead: the minutes differ from UTC's.
		if _, _, utc, _ := shown(t, ""); utc == text {
			t.Errorf("the same text %q in UTC and in Asia/Kolkata", text)
		}
	})
	t.Run("ErrBadCookieIsUTC", func(t *testing.T) {
		for _, zone := range []string{"Local", "../../etc/localtime", "Nowhere/Atlantis"} {
			if _, title, text, _ := shown(t, zone); text != want(time.UTC) || !strings.HasSuffix(title, " UTC") {
				t.Errorf("cookie %q: got %q (title %q), want UTC", zone, text, title)
			}
		}
	})
	t.Run("ETagVariesWithZone", func(t *testing.T) {
		_, _, _, utcTag := shown(t, "")
		if p := alice.get(roomPath, "If-None-Match", utcTag); p.status != 304 {
			t.Fatalf("same zone: got %d, want 304", p.status)
		}
		alice.cookies[pages.TimeZoneCookie] = "Asia/Tokyo"
		if p := alice.get(roomPath, "If-None-Match", utcTag); p.status != 200 {
			t.Errorf("another zone with the UTC page's tag: got %d, want 200", p.status)
		}
	})
}

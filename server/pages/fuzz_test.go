package pages_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/pages"
)

// FuzzFormPosts posts any form body to every server-rendered form, signed
// in and from the site itself: no input may answer 5xx or panic.
func FuzzFormPosts(f *testing.F) {
	e := newEnv(f, nil)
	u, token, err := e.app.Register(context.Background(), "fuzzform", "correct horse", "")
	if err != nil {
		f.Fatal(err)
	}
	room, err := e.app.CreateRoom(context.Background(), u, "fuzz", "", chat.RoomPublic)
	if err != nil {
		f.Fatal(err)
	}
	forms := []string{"/login", "/register", fmt.Sprintf("/rooms/%d/messages", room.ID), "/logout"}
	f.Fuzz(func(t *testing.T, form uint8, contentType string, body []byte) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI(forms[int(form)%len(forms)])
		ctx.Request.Header.SetHost("example.com")
		ctx.Request.Header.Set("Origin", "http://example.com")
		if contentType == "" {
			contentType = "application/x-www-form-urlencoded"
		}
		ctx.Request.Header.SetContentType(contentType)
		// /logout would end the session the other forms need.
		if form%uint8(len(forms)) != 3 {
			ctx.Request.Header.SetCookie(pages.SessionCookie, token)
		}
		ctx.Request.SetBody(body)
		e.fiber.Handler()(&ctx)
		if status := ctx.Response.StatusCode(); status >= 500 {
			t.Fatalf("POST %s %q: status %d %.300s", ctx.Request.URI().Path(), body, status, ctx.Response.Body())
		}
	})
}

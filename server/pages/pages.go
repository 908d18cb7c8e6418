// Package pages serves Parley's server-rendered HTML: the sign-in and
// sign-up forms, the room list and a room's latest messages with a form to
// post one. They work with JavaScript off and, when the SPA is built, are
// rendered inside its shell so that the first paint needs no script.
package pages

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/ratelimit"
	"github.com/parleychat/parley/server/static"
	"github.com/parleychat/parley/server/web/rules"
)

// App is the part of the application layer the pages use.
type App interface {
	// Authenticate returns the user of a session token;
	// chat.EUNAUTHENTICATED when the token is unknown.
	Authenticate(ctx context.Context, token string) (*chat.User, error)
	// Register creates an account and returns its new session token.
	Register(ctx context.Context, username, password, displayName string) (*chat.User, string, error)
	// Login checks credentials and returns a new session token.
	Login(ctx context.Context, username, password string) (*chat.User, string, error)
	// Logout revokes a session token.
	Logout(ctx context.Context, token string) error
	// MyRooms lists the rooms u belongs to, with unread counts.
	MyRooms(ctx context.Context, u *chat.User) ([]chat.Room, error)
	// Room returns a room u may see; chat.ENOTFOUND otherwise.
	Room(ctx context.Context, u *chat.User, roomID int64) (*chat.Room, error)
	// Messages returns a page of a room's history in ascending seq order.
	Messages(ctx context.Context, u *chat.User, roomID int64, p chat.Page) ([]chat.Message, bool, error)
	// SendMessage posts a message; a repeated clientID returns the first.
	SendMessage(ctx context.Context, u *chat.User, roomID int64, body, clientID string) (*chat.Message, bool, error)
	// Thread, Replies and SendReply serve a thread (replies.go).
	Thread(ctx context.Context, u *chat.User, roomID, seq int64) (*chat.Room, *chat.Message, error)
	Replies(ctx context.Context, u *chat.User, roomID, seq int64, p chat.Page) ([]chat.Message, bool, error)
	SendReply(ctx context.Context, u *chat.User, roomID, replyTo int64, body, clientID string) (*chat.Message, bool, error)
	// AddReaction and RemoveReaction change u's reaction to a message.
	AddReaction(ctx context.Context, u *chat.User, roomID, seq int64, emoji string) error
	RemoveReaction(ctx context.Context, u *chat.User, roomID, seq int64, emoji string) error
	// ReactionsVersion names the reactions a page of room shows u; "" when
	// only the page itself can tell.
	ReactionsVersion(ctx context.Context, u *chat.User, room *chat.Room, p chat.Page) (string, error)
	// SearchMessages finds messages in the rooms u belongs to, newest first.
	SearchMessages(ctx context.Context, u *chat.User, s chat.Search) ([]chat.SearchHit, bool, error)
}

// SessionCookie is the cookie carrying the session token, shared with the
// JSON API.
const SessionCookie = rules.SessionCookie

// HistoryLimit is how many of a room's latest messages a page shows.
const HistoryLimit = 50

// Options are the collaborators and settings of the pages.
type Options struct {
	App App
	// Static is the embedded build; nil or one without index.html gives
	// the plain layout.
	Static *static.Handler
	// AllowedOrigins may post forms besides the site itself, as
	// "https://chat.example.com".
	AllowedOrigins []string
	// SessionMaxAge is the session cookie's lifetime; defaults to
	// app.DefaultSessionTTL, the session's own.
	SessionMaxAge time.Duration
	// Guard applies the abuse limits: every form post has its own budget
	// per address, and the sign-in and sign-up forms go through the same
	// limits as the JSON API, so that they are no easier to brute-force.
	// Nil limits nothing.
	Guard  *ratelimit.Guard
	Logger *slog.Logger
	// Admins are the usernames that get the SPA's /admin dashboard; for
	// everybody else /admin is the 404 page.
	Admins []string
}

// Pages renders and serves the server-side HTML.
type Pages struct {
	app     App
	layout  *layout
	origins rules.Origins
	guard   *ratelimit.Guard
	maxAge  time.Duration
	log     *slog.Logger
	admins  map[string]bool
	zones   zones
}

// New parses the templates and prepares the layout once.
func New(o Options) (*Pages, error) {
	if o.App == nil {
		return nil, errors.New("pages: Options.App is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.SessionMaxAge <= 0 {
		o.SessionMaxAge = app.DefaultSessionTTL
	}
	var shell []byte
	if o.Static != nil {
		shell = o.Static.IndexHTML()
	}
	l, err := newLayout(shell, o.Logger)
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	return &Pages{
		app:     o.App,
		layout:  l,
		origins: rules.NewOrigins(o.AllowedOrigins),
		guard:   o.Guard,
		maxAge:  o.SessionMaxAge,
		log:     o.Logger,
		admins:  adminSet(o.Admins),
	}, nil
}

// Register adds the pages' routes to r, the SPA fallback (a catch-all GET)
// last. Register them after the API and static routes: the fallback
// passes API, WebSocket, asset and operations paths on with c.Next, so an
// unknown one ends in the app's own 404 rather than in HTML.
func (p *Pages) Register(r fiber.Router) {
	r.Get(p.layout.styleURL, p.layout.serveStyle)
	r.Get("/", p.home)
	r.Get("/login", p.loginForm)
	r.Get("/register", p.registerForm)
	r.Get("/rooms/:id", p.room)
	r.Get("/rooms/:id/threads/:seq", p.thread)
	r.Get("/search", p.search)
	post := func(path string, h fiber.Handler) { r.Post(path, p.sameOrigin, p.checkInput, p.limitForm, h) }
	post("/login", p.login)
	post("/register", p.register)
	post("/logout", p.logout)
	post("/rooms/:id/messages", p.postMessage)
	post("/rooms/:id/threads/:seq", p.postReply)
	post("/rooms/:id/messages/:seq/reactions", p.postReaction)
	r.Get("/admin", p.admin)
	r.Get("/admin/*", p.admin)
	r.Get("/*", p.fallback)
}

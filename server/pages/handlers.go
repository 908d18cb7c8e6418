package pages

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

// home is the sign-in form, or the signed-in user's rooms.
func (p *Pages) home(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		return p.page(c, fiber.StatusOK, "signin", "Sign in", &view{}, "")
	}
	rooms, err := p.app.MyRooms(chat.ReadsMayLag(c.UserContext(), u.ID), u)
	if err != nil {
		return p.errorPage(c, u, err)
	}
	return p.page(c, fiber.StatusOK, "rooms", "Rooms", &view{User: u, Rooms: rooms}, "")
}

func (p *Pages) loginForm(c *fiber.Ctx) error { return p.form(c, "signin", "Sign in") }

func (p *Pages) registerForm(c *fiber.Ctx) error { return p.form(c, "register", "Sign up") }

func (p *Pages) form(c *fiber.Ctx, name, title string) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return p.page(c, fiber.StatusOK, name, title, &view{}, "")
}

func (p *Pages) login(c *fiber.Ctx) error {
	// Form values point into the request buffer: copy what outlives it.
	username := strings.Clone(c.FormValue("username"))
	var token string
	err := p.guard.SignIn(c.UserContext(), rules.ClientIP(c), username, func() error {
		var err error
		_, token, err = p.app.Login(c.UserContext(), username, c.FormValue("password"))
		return err
	})
	if err != nil {
		return p.formError(c, "signin", "Sign in", &view{Username: username}, err)
	}
	p.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (p *Pages) register(c *fiber.Ctx) error {
	username := strings.Clone(c.FormValue("username"))
	displayName := strings.Clone(c.FormValue("display_name"))
	if err := p.guard.Register(c.UserContext(), rules.ClientIP(c)); err != nil {
		return p.formError(c, "register", "Sign up", &view{Username: username, DisplayName: displayName}, err)
	}
	_, token, err := p.app.Register(c.UserContext(), username, c.FormValue("password"), displayName)
	if err != nil {
		return p.formError(c, "register", "Sign up", &view{Username: username, DisplayName: displayName}, err)
	}
	p.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// formError shows a form again with what went wrong, or the error page
// when the failure is not the user's to fix.
func (p *Pages) formError(c *fiber.Ctx, name, title string, v *view, err error) error {
	status := statusFor(err)
	if status >= fiber.StatusInternalServerError {
		return p.errorPage(c, v.User, err)
	}
	setRetryAfter(c, err)
	v.Error = chat.ErrorMessage(err)
	return p.page(c, status, name, title, v, "")
}

func (p *Pages) logout(c *fiber.Ctx) error {
	if token := rules.CookieToken(c); token != "" {
		if err := p.app.Logout(c.UserContext(), token); err != nil {
			// The cookie goes anyway; the session then expires on its own.
			p.log.Error("pages: logout", "client", rules.ClientIP(c), "err", err)
		}
	}
	p.clearSession(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// room shows a room's latest messages with their reactions and the form
// to post one. Its ETag comes from the room's versions and those of the
// reactions it shows, so a revalidation that still matches costs no
// history read.
func (p *Pages) room(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		v := &view{Error: "Sign in to read this room."}
		return p.page(c, fiber.StatusUnauthorized, "signin", "Sign in", v, "")
	}
	id, ok := roomID(c)
	if !ok {
		return p.errorPage(c, u, chat.Errorf(chat.ENOTFOUND, "No such room."))
	}
	room, err := p.app.Room(c.UserContext(), u, id)
	if err != nil {
		return p.errorPage(c, u, err)
	}
	reactions, err := p.app.ReactionsVersion(c.UserContext(), u, room, chat.Page{Limit: HistoryLimit})
	if err != nil {
		return p.errorPage(c, u, err)
	}
	at := atSeq(c)
	// Times depend on the reader's zone and on which day is today there.
	zone, now := p.zones.readerZone(c), time.Now()
	etag := "" // without a version of the reactions, the page's bytes are its own
	if reactions != "" {
		etag = etagOf(p.layout.version, "room", strconv.FormatInt(u.ID, 10), u.Username, u.DisplayName,
			strconv.FormatInt(room.ID, 10), strconv.FormatInt(room.LastSeq, 10), strconv.FormatInt(room.Rev, 10), room.Name, room.Topic,
			zone.String(), now.In(zone).Format(time.DateOnly), reactions, strconv.FormatInt(at, 10))
		if p.notModified(c, true, etag) {
			return nil
		}
	}
	return p.showRoom(c, fiber.StatusOK, u, room, &view{ClientID: newClientID(), Zone: zone, Now: now, At: at}, etag)
}

func (p *Pages) showRoom(c *fiber.Ctx, status int, u *chat.User, room *chat.Room, v *view, etag string) error {
	page := chat.Page{Limit: HistoryLimit}
	if v.At > 0 {
		page = aroundPage(v.At)
	}
	msgs, hasMore, err := p.app.Messages(chat.ReadsMayLag(c.UserContext(), u.ID), u, room.ID, page)
	if err != nil {
		return p.errorPage(c, u, err)
	}
	v.User, v.Room, v.Messages, v.HasMore = u, room, topLevel(msgs), hasMore
	if v.Zone == nil {
		v.Zone, v.Now = p.zones.readerZone(c), time.Now()
	}
	return p.page(c, status, "room", roomName(*room), v, etag)
}

// postMessage posts the form's message, then sends the browser back to
// the room (POST, then redirect, so a reload does not post again). The
// form carries a client_id made when it was shown, so a post sent twice
// is stored once.
func (p *Pages) postMessage(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	id, ok := roomID(c)
	if !ok {
		return p.errorPage(c, u, chat.Errorf(chat.ENOTFOUND, "No such room."))
	}
	body := strings.Clone(c.FormValue("body"))
	clientID := strings.Clone(c.FormValue("client_id"))
	if chat.ValidateClientID(clientID) != nil {
		clientID = newClientID()
	}
	msg, _, err := p.app.SendMessage(c.UserContext(), u, id, body, clientID)
	if err == nil {
		return c.Redirect("/rooms/"+strconv.FormatInt(id, 10)+"#m-"+strconv.FormatInt(msg.Seq, 10), fiber.StatusSeeOther)
	}
	status := statusFor(err)
	if status != fiber.StatusUnprocessableEntity && status != fiber.StatusRequestEntityTooLarge && status != fiber.StatusTooManyRequests {
		return p.errorPage(c, u, err)
	}
	room, rerr := p.app.Room(c.UserContext(), u, id)
	if rerr != nil {
		return p.errorPage(c, u, rerr)
	}
	setRetryAfter(c, err)
	v := &view{Error: chat.ErrorMessage(err), Body: body, ClientID: clientID}
	return p.showRoom(c, status, u, room, v, "")
}

// fallback answers the SPA's own routes with its shell, and passes on the
// paths that belong to the API, the socket, the build and operations so
// that their 404 keeps their format.
func (p *Pages) fallback(c *fiber.Ctx) error {
	if rules.Reserved(c.Path()) {
		return c.Next()
	}
	if !p.layout.spa {
		return p.errorPage(c, nil, chat.Errorf(chat.ENOTFOUND, "There is no page here."))
	}
	return p.page(c, fiber.StatusOK, "app", "", &view{}, "")
}

func roomID(c *fiber.Ctx) (int64, bool) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	return id, err == nil && id > 0
}

// newClientID names one post of the form; the "form-" prefix keeps it
// apart from the SPA's ids.
func newClientID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported systems
	return "form-" + hex.EncodeToString(b[:])
}

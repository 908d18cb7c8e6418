package pages

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// topLevel leaves a room page's replies out: they are read on their
// thread's page, which the parent links to with its count.
func topLevel(msgs []chat.Message) []chat.Message {
	out := msgs[:0:0]
	for _, m := range msgs {
		if m.ReplyTo == 0 {
			out = append(out, m)
		}
	}
	return out
}

// thread shows a message, its latest replies and the form to reply. Its
// ETag comes from the room's rev and the parent's reply count, so a
// revalidation that still matches reads no reply.
func (p *Pages) thread(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		v := &view{Error: "Sign in to read this thread."}
		return p.page(c, fiber.StatusUnauthorized, "signin", "Sign in", v, "")
	}
	id, seq, ok := threadPath(c)
	if !ok {
		return p.errorPage(c, u, chat.Errorf(chat.ENOTFOUND, "No such thread."))
	}
	room, parent, err := p.app.Thread(c.UserContext(), u, id, seq)
	if err != nil {
		return p.errorPage(c, u, err)
	}
	if parent.ReplyTo != 0 {
		// A reply's thread is its parent's.
		return c.Redirect("/rooms/"+strconv.FormatInt(id, 10)+"/threads/"+strconv.FormatInt(parent.ReplyTo, 10)+
			"#m-"+strconv.FormatInt(parent.Seq, 10), fiber.StatusSeeOther)
	}
	// Times depend on the reader's zone and on which day is today there.
	zone, now := p.zones.readerZone(c), time.Now()
	etag := etagOf(p.layout.version, "thread", strconv.FormatInt(u.ID, 10), u.Username, u.DisplayName,
		strconv.FormatInt(room.ID, 10), strconv.FormatInt(room.Rev, 10), room.Name,
		strconv.FormatInt(parent.Seq, 10), strconv.Itoa(parent.ReplyCount),
		zone.String(), now.In(zone).Format(time.DateOnly))
	if p.notModified(c, true, etag) {
		return nil
	}
	return p.showThread(c, fiber.StatusOK, u, room, parent, &view{ClientID: newClientID(), Zone: zone, Now: now}, etag)
}

func (p *Pages) showThread(c *fiber.Ctx, status int, u *chat.User, room *chat.Room, parent *chat.Message, v *view, etag string) error {
	msgs, hasMore, err := p.app.Replies(c.UserContext(), u, room.ID, parent.Seq, chat.Page{Limit: HistoryLimit})
	if err != nil {
		return p.errorPage(c, u, err)
	}
	v.User, v.Room, v.Parent, v.Messages, v.HasMore = u, room, parent, msgs, hasMore
	if v.Zone == nil {
		v.Zone, v.Now = p.zones.readerZone(c), time.Now()
	}
	return p.page(c, status, "thread", "Thread in "+roomName(*room), v, etag)
}

// postReply posts the form's reply, then sends the browser back to the
// thread (POST, then redirect). Like a room's form, it carries the
// client_id made when it was shown, so a post sent twice is stored once.
func (p *Pages) postReply(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	id, seq, ok := threadPath(c)
	if !ok {
		return p.errorPage(c, u, chat.Errorf(chat.ENOTFOUND, "No such thread."))
	}
	body := strings.Clone(c.FormValue("body"))
	clientID := strings.Clone(c.FormValue("client_id"))
	if chat.ValidateClientID(clientID) != nil {
		clientID = newClientID()
	}
	msg, _, err := p.app.SendReply(c.UserContext(), u, id, seq, body, clientID)
	if err == nil {
		// A reply to a reply went to that one's thread: follow it there.
		return c.Redirect("/rooms/"+strconv.FormatInt(id, 10)+"/threads/"+strconv.FormatInt(msg.ReplyTo, 10)+
			"#m-"+strconv.FormatInt(msg.Seq, 10), fiber.StatusSeeOther)
	}
	status := statusFor(err)
	if status != fiber.StatusUnprocessableEntity && status != fiber.StatusRequestEntityTooLarge && status != fiber.StatusTooManyRequests {
		return p.errorPage(c, u, err)
	}
	room, parent, terr := p.app.Thread(c.UserContext(), u, id, seq)
	if terr != nil {
		return p.errorPage(c, u, terr)
	}
	setRetryAfter(c, err)
	v := &view{Error: chat.ErrorMessage(err), Body: body, ClientID: clientID}
	return p.showThread(c, status, u, room, parent, v, "")
}

// threadPath reads the room id and seq of /rooms/:id/threads/:seq.
func threadPath(c *fiber.Ctx) (id, seq int64, ok bool) {
	id, ok = roomID(c)
	if !ok {
		return 0, 0, false
	}
	seq, err := strconv.ParseInt(c.Params("seq"), 10, 64)
	return id, seq, err == nil && seq > 0
}

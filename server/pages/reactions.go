package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// reactionView is what the "reactions" template shows under one message.
type reactionView struct {
	RoomID      int64
	Seq         int64
	Reactions   []chat.Reaction
	HasThumbsUp bool
}

func reactionRow(roomID int64, m chat.Message) reactionView {
	v := reactionView{RoomID: roomID, Seq: m.Seq, Reactions: m.Reactions}
	for _, r := range m.Reactions {
		v.HasThumbsUp = v.HasThumbsUp || r.Emoji == "👍"
	}
	return v
}

// postReaction adds or removes the form's reaction ("action" is add or
// remove, decided when the page was drawn, so a form posted twice changes
// nothing the second time), then sends the browser back to the message.
func (p *Pages) postReaction(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	id, ok := roomID(c)
	seq, serr := strconv.ParseInt(c.Params("seq"), 10, 64)
	if !ok || serr != nil || seq <= 0 {
		return p.errorPage(c, u, chat.Errorf(chat.ENOTFOUND, "No such message."))
	}
	emoji := strings.Clone(c.FormValue("emoji"))
	switch c.FormValue("action") {
	case "add":
		err = p.app.AddReaction(c.UserContext(), u, id, seq, emoji)
	case "remove":
		err = p.app.RemoveReaction(c.UserContext(), u, id, seq, emoji)
	default:
		err = chat.Invalid("action", "action must be add or remove.")
	}
	if err != nil {
		setRetryAfter(c, err)
		return p.errorPage(c, u, err)
	}
	return c.Redirect("/rooms/"+strconv.FormatInt(id, 10)+"#m-"+strconv.FormatInt(seq, 10), fiber.StatusSeeOther)
}

package pages

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
)

// searchView is what the search page shows.
type searchView struct {
	Query string
	// Done is whether a search ran (the form alone otherwise).
	Done  bool
	Hits  []searchRow
	Older string // the next page's URL, when there is one
}

// searchRow is one match: its room, and its body in parts, the matching
// ones marked.
type searchRow struct {
	chat.SearchHit
	RoomName string
	Parts    []bodyPart
}

type bodyPart struct {
	Text  string
	Match bool
}

// search shows the search form and, given q, the newest matches in the
// caller's rooms, each linking to its room at the message; an "older"
// link pages on with before_id. Invalid input shows the form again with
// the reason (422). The page is the caller's own, so it is cached by the
// browser only, its ETag the hash of what it shows.
func (p *Pages) search(c *fiber.Ctx) error {
	u, err := p.currentUser(c)
	if err != nil {
		return p.errorPage(c, nil, err)
	}
	if u == nil {
		v := &view{Error: "Sign in to search."}
		return p.page(c, fiber.StatusUnauthorized, "signin", "Sign in", v, "")
	}
	q := strings.Clone(c.Query("q"))
	v := &view{User: u, Search: &searchView{Query: q}, Zone: p.zones.readerZone(c), Now: time.Now()}
	if strings.TrimSpace(q) == "" {
		return p.page(c, fiber.StatusOK, "search", "Search", v, "")
	}
	s, err := chat.ParseSearch(q)
	if err == nil {
		s.BeforeID, err = beforeID(c)
	}
	if err == nil {
		err = chat.ValidateSearchPage(&s, false)
	}
	if err != nil {
		return p.formError(c, "search", "Search", v, err)
	}
	ctx := chat.ReadsMayLag(c.UserContext(), u.ID)
	hits, more, err := p.app.SearchMessages(ctx, u, s)
	if err != nil {
		return p.formError(c, "search", "Search", v, err)
	}
	rooms, err := p.app.MyRooms(ctx, u)
	if err != nil {
		return p.errorPage(c, u, err)
	}
	names := make(map[int64]string, len(rooms))
	for _, r := range rooms {
		names[r.ID] = roomName(r)
	}
	v.Search.Done = true
	for _, h := range hits {
		row := searchRow{SearchHit: h, RoomName: names[h.RoomID]}
		if row.RoomName == "" {
			row.RoomName = "Room " + strconv.FormatInt(h.RoomID, 10)
		}
		for i, part := range h.Highlight {
			if part != "" {
				row.Parts = append(row.Parts, bodyPart{Text: part, Match: i%2 == 1})
			}
		}
		v.Search.Hits = append(v.Search.Hits, row)
	}
	if more && len(hits) > 0 {
		v.Search.Older = "/search?" + url.Values{"q": {q}, "before_id": {strconv.FormatInt(hits[len(hits)-1].ID, 10)}}.Encode()
	}
	return p.page(c, fiber.StatusOK, "search", "Search", v, "")
}

// beforeID reads the page's before_id: absent, or a message id.
func beforeID(c *fiber.Ctx) (int64, error) {
	raw := c.Query("before_id")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, chat.Invalid("before_id", "before_id must be a positive integer.")
	}
	return n, nil
}

// atSeq reads a room page's ?at=<seq>, the message to open at (a search
// result's); 0 when absent or not a seq.
func atSeq(c *fiber.Ctx) int64 {
	n, err := strconv.ParseInt(c.Query("at"), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// aroundPage is the page of a room's history holding seq, a quarter of
// the page before it.
func aroundPage(seq int64) chat.Page {
	return chat.Page{AfterSeq: max(0, seq-HistoryLimit/4-1), Limit: HistoryLimit, Forward: true}
}

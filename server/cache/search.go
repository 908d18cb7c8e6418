package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/parleychat/parley/server/chat"
)

var _ chat.SearchStore = (*Stores)(nil)

// searchStore is what Stores needs of the inner store to search; the
// PostgreSQL store has it.
type searchStore interface {
	chat.SearchStore
}

// searchPage is a cached SearchMessages answer.
type searchPage struct {
	Hits    []chat.SearchHit `json:"h"`
	HasMore bool             `json:"m"`
}

// clone copies what a caller could change: each hit's message and its
// highlight's parts.
func (p searchPage) clone() searchPage {
	c := searchPage{HasMore: p.HasMore, Hits: make([]chat.SearchHit, len(p.Hits))}
	for i, h := range p.Hits {
		c.Hits[i] = chat.SearchHit{Message: cloneMessage(h.Message), Highlight: append([]string{}, h.Highlight...)}
	}
	return c
}

// SearchMessages answers from the cache. The answer is the user's own and
// depends on which rooms they are in and on every message of those rooms,
// so it is keyed by the user, their rooms version (v:ur: join, leave,
// room creation), the send and rev versions of every room searched (a
// send, an edit, a delete, a rename), and the search itself. A leave bumps
// v:ur before it returns, so no answer cached before it is used after it,
// on any replica; the store checks membership on every load as well.
func (s *Stores) SearchMessages(ctx context.Context, userID int64, q chat.Search) ([]chat.SearchHit, bool, error) {
	const kind = "msearch"
	inner, ok := s.inner.(searchStore)
	if !ok {
		return nil, false, chat.Errorf(chat.EUNAVAILABLE, "Search is not available.")
	}
	vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, userRoomsKey(userID))
	if !ok {
		return inner.SearchMessages(ctx, userID, q)
	}
	ids := []int64{q.RoomID}
	if q.RoomID == 0 {
		var rooms []chat.Room
		var err error
		// The same entry as UserRooms', under the same versions.
		ids, rooms, err = s.userRoomIDs(ctx, userID, key("roomids", itoa(userID), token(vs...)), asOf)
		if err != nil {
			return nil, false, err
		}
		if rooms != nil {
			ids = roomIDs(rooms)
		}
	}
	keys := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		keys = append(keys, roomSeqKey(id), roomRevKey(id))
	}
	rvs, roomsAsOf, ok := s.versionsAt(ctx, keys...)
	if !ok {
		s.m.Bypassed(kind)
		return inner.SearchMessages(ctx, userID, q)
	}
	pg, err := read(ctx, s, spec[searchPage]{
		kind: kind, key: key(kind, itoa(userID), token(vs...), hashVersions(rvs), searchKey(q)), ttl: s.ttl.Page,
		asOf: later(asOf, roomsAsOf),
		load: func(ctx context.Context) (searchPage, error) {
			hits, more, err := inner.SearchMessages(ctx, userID, q)
			return searchPage{Hits: hits, HasMore: more}, err
		},
	})
	if err != nil {
		return nil, false, err
	}
	if pg.Hits == nil {
		pg.Hits = []chat.SearchHit{}
	}
	return pg.Hits, pg.HasMore, nil
}

// searchKey shortens everything that makes one search differ from another
// to a key part.
func searchKey(q chat.Search) string {
	b, _ := json.Marshal(q) // plain strings and numbers: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

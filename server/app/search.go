package app

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// SearchMessages runs a parsed search over the rooms the caller belongs
// to, newest first. A room_id the caller does not belong to answers the
// same not_found as any room they cannot see, public rooms included: a
// search covers one's own rooms only.
func (a *App) SearchMessages(ctx context.Context, u *chat.User, s chat.Search) ([]chat.SearchHit, bool, error) {
	if a.search == nil {
		return nil, false, chat.Errorf(chat.EUNAVAILABLE, "Search is not available.")
	}
	if s.RoomID != 0 {
		role, err := a.role(ctx, s.RoomID, u.ID)
		if err != nil {
			return nil, false, err
		}
		if role == "" {
			return nil, false, roomNotFound()
		}
	}
	hits, more, err := a.search.SearchMessages(ctx, u.ID, s)
	if err != nil {
		return nil, false, err
	}
	if hits == nil {
		hits = []chat.SearchHit{}
	}
	return hits, more, nil
}

package postgres

import (
	"context"
	"slices"

	"github.com/parleychat/parley/server/chat"
)

// replyColumns are the reply fields of chat.Message for messages m; a
// message that is not a reply reads 0 for both.
const replyColumns = `coalesce(m.reply_to, 0) AS reply_to, coalesce(m.reply_number, 0) AS reply_number,
	m.reply_count, m.last_reply_at`

// ListReplies returns a page of the replies to message seq in ascending
// seq order and whether more exist in the page's direction: without a
// cursor the newest Limit, BeforeSeq older, AfterSeq (or Forward from 0)
// newer. Each page is a keyset range on the partial index (room_id,
// reply_to, seq). It reads the primary unless ctx asks only for commits
// older than the replica's horizon (chat.FreshAsOf, as a cache fill does).
func (s *Store) ListReplies(ctx context.Context, roomID, seq int64, p chat.Page) ([]chat.Message, bool, error) {
	switch {
	case p.BeforeSeq < 0:
		return nil, false, chat.Invalid("before_seq", "before_seq must not be negative.")
	case p.AfterSeq < 0:
		return nil, false, chat.Invalid("after_seq", "after_seq must not be negative.")
	case p.BeforeSeq != 0 && p.AfterSeq != 0:
		return nil, false, chat.Invalid("before_seq", "Use before_seq or after_seq, not both.")
	}
	limit := min(max(p.Limit, 1), chat.PageMaxLimit)
	if p.Limit == 0 {
		limit = chat.PageDefaultLimit
	}
	forward := p.AfterSeq != 0 || p.Forward
	where, order, cursor := `m.seq < $3`, `ORDER BY m.seq DESC LIMIT $4`, int64(1<<63-1)
	switch {
	case forward:
		where, order, cursor = `m.seq > $3`, `ORDER BY m.seq ASC LIMIT $4`, p.AfterSeq
	case p.BeforeSeq != 0:
		cursor = p.BeforeSeq
	}
	msgs := []chat.Message{}
	err := s.selectChecked(ctx, routed{}, &msgs, `SELECT `+messageColumns+`
		FROM messages m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = $1 AND m.reply_to = $2 AND `+where+` `+order,
		roomID, seq, cursor, limit+1)
	if err != nil {
		return nil, false, wrap(err, "list replies", "Message not found.")
	}
	hasMore := len(msgs) > limit
	if hasMore {
		msgs = msgs[:limit]
	}
	if !forward {
		slices.Reverse(msgs)
	}
	return msgs, hasMore, nil
}

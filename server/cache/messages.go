package cache

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// page is a cached ListMessages answer.
type page struct {
	Messages []chat.Message `json:"m"`
	HasMore  bool           `json:"h"`
}

// SendMessage commits a message, then retires the room's newest pages and
// metadata, the sender's memberships (the store moves their read marker)
// and, for a public room, the directory; a reply also what holds its
// parent (replyKeys).
func (s *Stores) SendMessage(ctx context.Context, m chat.NewMessage) (*chat.Message, bool, error) {
	msg, created, err := s.inner.SendMessage(ctx, m)
	if created || mayHaveCommitted(err) {
		keys := []string{roomSeqKey(m.RoomID), userKey(m.UserID)}
		keys = append(keys, replyKeys(m, msg)...)
		if s.isPublic(ctx, m.RoomID) {
			keys = append(keys, publicKey)
		}
		s.bump(ctx, keys...)
	}
	return msg, created, err
}

// ListMessages answers from the cache. The newest page and pages after a
// seq change with every send, so they are keyed by the room's last_seq and
// rev versions. A page before a seq that reaches up to that seq holds only
// messages that can change by an edit or a delete, so it is keyed by the rev
// version (and the thread buckets it spans: a reply changes its parent's
// reply_count) and kept for the long History TTL.
func (s *Stores) ListMessages(ctx context.Context, roomID int64, p chat.Page) ([]chat.Message, bool, error) {
	const kind = "page"
	if p.BeforeSeq < 0 || p.AfterSeq < 0 || (p.BeforeSeq != 0 && p.AfterSeq != 0) {
		return s.inner.ListMessages(ctx, roomID, p) // the store explains the mistake
	}
	limit := pageLimit(p.Limit)
	load := func(ctx context.Context) (page, error) {
		msgs, more, err := s.inner.ListMessages(ctx, roomID, p)
		return page{Messages: msgs, HasMore: more}, err
	}
	var sp spec[page]
	if p.BeforeSeq > 0 {
		before := p.BeforeSeq
		keys := append([]string{roomRevKey(roomID)}, bucketsOf(roomID, before-int64(limit), before-1)...)
		vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, keys...)
		if !ok {
			return s.inner.ListMessages(ctx, roomID, p)
		}
		sp = spec[page]{
			kind: kind, key: key(kind, itoa(roomID), token(vs...), "b"+itoa(before), itoa(int64(limit))),
			ttl: s.ttl.History, load: load, asOf: asOf,
			// Seqs have no gaps: a page ending just below before_seq is fixed.
			keep: func(pg page) bool {
				n := len(pg.Messages)
				return before == 1 || (n > 0 && pg.Messages[n-1].Seq == before-1)
			},
		}
	} else {
		vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, roomSeqKey(roomID), roomRevKey(roomID))
		if !ok {
			return s.inner.ListMessages(ctx, roomID, p)
		}
		sp = spec[page]{
			kind: kind, key: key(kind, itoa(roomID), token(vs...), "a"+itoa(p.AfterSeq), itoa(int64(limit))),
			ttl: s.ttl.Page, load: load, asOf: asOf,
		}
	}
	pg, err := read(ctx, s, sp)
	if err != nil {
		return nil, false, err
	}
	if pg.Messages == nil {
		pg.Messages = []chat.Message{}
	}
	return pg.Messages, pg.HasMore, nil
}

// pageLimit mirrors the store's clamping so that equal pages share a key.
func pageLimit(n int) int {
	switch {
	case n == 0:
		return chat.PageDefaultLimit
	case n < 1:
		return 1
	case n > chat.PageMaxLimit:
		return chat.PageMaxLimit
	}
	return n
}

// FindMessage answers from the cache until the room's rev or the
// message's thread bucket moves. Absences are not kept: the seq may be
// taken by the next send.
func (s *Stores) FindMessage(ctx context.Context, roomID, seq int64) (*chat.Message, error) {
	const kind = "message"
	vs, ok := s.versionsIfUsable(ctx, kind, roomRevKey(roomID), threadsKey(roomID, seq/threadBucket))
	if !ok {
		return s.inner.FindMessage(ctx, roomID, seq)
	}
	return read(ctx, s, spec[*chat.Message]{
		kind: kind, key: key(kind, itoa(roomID), itoa(seq), token(vs...)), ttl: s.ttl.History,
		load: func(ctx context.Context) (*chat.Message, error) { return s.inner.FindMessage(ctx, roomID, seq) },
	})
}

// EditMessage changes a message, then retires the room's rev.
func (s *Stores) EditMessage(ctx context.Context, roomID, seq int64, body string) (*chat.Message, error) {
	m, err := s.inner.EditMessage(ctx, roomID, seq, body)
	s.afterRevChange(ctx, roomID, err)
	return m, err
}

// DeleteMessage soft-deletes a message, then retires the room's rev.
func (s *Stores) DeleteMessage(ctx context.Context, roomID, seq int64) (*chat.Message, error) {
	m, err := s.inner.DeleteMessage(ctx, roomID, seq)
	s.afterRevChange(ctx, roomID, err)
	return m, err
}

func (s *Stores) afterRevChange(ctx context.Context, roomID int64, err error) {
	if err != nil && !mayHaveCommitted(err) {
		return
	}
	keys := []string{roomRevKey(roomID)}
	if s.isPublic(ctx, roomID) {
		keys = append(keys, publicKey)
	}
	s.bump(ctx, keys...)
}

// isPublic tells whether a room is in the public directory; when unsure it
// says yes, since retiring the directory once too often costs one load.
func (s *Stores) isPublic(ctx context.Context, roomID int64) bool {
	if k := s.kinds.get(roomID); k != "" {
		return k == chat.RoomPublic
	}
	r, err := s.FindRoom(ctx, roomID)
	if err != nil {
		return true
	}
	return r.Kind == chat.RoomPublic
}

// CommittedMessages is never cached: it fills in a live event that is
// late, possibly before the send that committed it has moved the versions.
func (s *Stores) CommittedMessages(ctx context.Context, roomID, afterSeq, upToSeq int64) ([]chat.Message, error) {
	return s.inner.CommittedMessages(ctx, roomID, afterSeq, upToSeq)
}

// FindSent is never cached: it is asked only for a retried send that the
// send limit would otherwise refuse, which is rare and must see the commit.
func (s *Stores) FindSent(ctx context.Context, roomID, userID int64, clientID string) (*chat.Message, error) {
	return s.inner.FindSent(ctx, roomID, userID, clientID)
}

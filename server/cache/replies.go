package cache

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// A reply changes its parent's reply_count, so what holds the parent must
// be retired, and nothing else. The room's newest pages and pages after a
// seq already go with every send (v:rs); a page before a seq and a single
// message are kept longer, under the rev alone, so they also name the
// version of the stretch of seqs they hold (v:rt, a "thread bucket" of
// threadBucket seqs), which a reply to a parent in that stretch bumps. A
// thread's replies are keyed by their own version (v:th).
func threadsKey(room, bucket int64) string { return "v:rt:" + itoa(room) + ":" + itoa(bucket) }
func threadKey(room, seq int64) string     { return "v:th:" + itoa(room) + ":" + itoa(seq) }

// threadBucket is the width of a thread bucket: the largest page, so that
// any page spans at most two buckets.
const threadBucket = chat.PageMaxLimit

// bucketsOf returns the thread bucket keys covering seqs lo..hi.
func bucketsOf(room, lo, hi int64) []string {
	lo = max(lo, 1)
	var keys []string
	for b := lo / threadBucket; b <= hi/threadBucket; b++ {
		keys = append(keys, threadsKey(room, b))
	}
	return keys
}

// replyKeys are the versions a committed reply retires besides those of
// any send: its parent's bucket and its thread. A reply that may have
// committed without saying where it went (its parent might have been a
// reply, which sends it to that one's parent) retires the room's rev,
// which every history answer names.
func replyKeys(m chat.NewMessage, msg *chat.Message) []string {
	switch {
	case m.ReplyTo == 0:
		return nil
	case msg != nil && msg.ReplyTo > 0:
		// The thread first: whoever sees the parent's new reply_count (an
		// ETag of the thread is built from it) then sees the new thread.
		return []string{threadKey(m.RoomID, msg.ReplyTo), threadsKey(m.RoomID, msg.ReplyTo/threadBucket)}
	default:
		return []string{roomRevKey(m.RoomID)}
	}
}

// ListReplies answers from the cache. A thread's pages change with a reply
// to it (v:th) and with an edit or delete in the room (v:rr).
func (s *Stores) ListReplies(ctx context.Context, roomID, seq int64, p chat.Page) ([]chat.Message, bool, error) {
	const kind = "replies"
	if p.BeforeSeq < 0 || p.AfterSeq < 0 || (p.BeforeSeq != 0 && p.AfterSeq != 0) {
		return s.inner.ListReplies(ctx, roomID, seq, p) // the store explains the mistake
	}
	vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, roomRevKey(roomID), threadKey(roomID, seq))
	if !ok {
		return s.inner.ListReplies(ctx, roomID, seq, p)
	}
	cursor := "n"
	switch {
	case p.AfterSeq != 0 || p.Forward:
		cursor = "a" + itoa(p.AfterSeq)
	case p.BeforeSeq != 0:
		cursor = "b" + itoa(p.BeforeSeq)
	}
	pg, err := read(ctx, s, spec[page]{
		kind: kind, key: key(kind, itoa(roomID), itoa(seq), token(vs...), cursor, itoa(int64(pageLimit(p.Limit)))),
		ttl: s.ttl.Page, asOf: asOf,
		load: func(ctx context.Context) (page, error) {
			msgs, more, err := s.inner.ListReplies(ctx, roomID, seq, p)
			return page{Messages: msgs, HasMore: more}, err
		},
	})
	if err != nil {
		return nil, false, err
	}
	if pg.Messages == nil {
		pg.Messages = []chat.Message{}
	}
	return pg.Messages, pg.HasMore, nil
}

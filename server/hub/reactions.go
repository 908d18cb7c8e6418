package hub

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/parleychat/parley/server/chat"
)

// reactionEvent tells a room's members that someone added or removed a
// reaction. It carries no seq of its own: a client that missed one reads
// the counts again with the history.
type reactionEvent struct {
	Type   string    `json:"type"`
	RoomID int64     `json:"room_id"`
	Seq    int64     `json:"seq"`
	Emoji  string    `json:"emoji"`
	User   chat.User `json:"user"`
	Added  bool      `json:"added"`
}

// reactionBatchEvent carries many reaction changes of one room at once,
// grouped by message and emoji, each person once in their net change.
type reactionBatchEvent struct {
	Type      string          `json:"type"`
	RoomID    int64           `json:"room_id"`
	Reactions []reactionGroup `json:"reactions"`
}

type reactionGroup struct {
	Seq     int64   `json:"seq"`
	Emoji   string  `json:"emoji"`
	Added   []int64 `json:"added"`
	Removed []int64 `json:"removed"`
}

// reactionBatch holds back the reaction changes of busy rooms. In a quiet
// room the first few changes of an interval go out at once, one event
// each; the rest wait for the next flush and go out as one
// reaction_batch, and so does everything while the room stays busy. A
// thousand people reacting to one message cost each member one frame per
// interval instead of a thousand, and the send queues that carry the
// room's messages never fill up with them.
type reactionBatch struct {
	mu    sync.Mutex
	rooms map[int64]*roomReactions
}

type roomReactions struct {
	// sent counts the changes that went out at once this interval.
	sent int
	// pending holds the latest change of each (message, emoji, person),
	// net: a change undone within the interval is dropped.
	pending map[reactionKey]pendingReaction
	order   int
}

type reactionKey struct {
	seq   int64
	emoji string
	user  int64
}

type pendingReaction struct {
	e     chat.ReactionEvent
	order int
}

// maxPendingReactions bounds the changes one room holds back; past it the
// room is flushed at once, which keeps every batch frame small.
const maxPendingReactions = 1000

// ReactionChanged sends a reaction change to the room's members on every
// replica: at once while the room is quiet, else with the next flush.
func (h *Hub) ReactionChanged(_ context.Context, e chat.ReactionEvent) {
	b := &h.reactions
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rooms == nil {
		b.rooms = make(map[int64]*roomReactions)
	}
	r := b.rooms[e.RoomID]
	if r == nil {
		r = &roomReactions{}
		b.rooms[e.RoomID] = r
	}
	if len(r.pending) == 0 && r.sent < maxSingleChanges {
		r.sent++
		h.emitReaction(e)
		return
	}
	if r.pending == nil {
		r.pending = make(map[reactionKey]pendingReaction)
	}
	k := reactionKey{seq: e.Seq, emoji: e.Emoji, user: e.User.ID}
	if _, ok := r.pending[k]; ok {
		// Changes of one key alternate: this one undoes the held one.
		delete(r.pending, k)
	} else {
		r.order++
		r.pending[k] = pendingReaction{e: e, order: r.order}
	}
	if len(r.pending) >= maxPendingReactions {
		h.flushRoomReactions(e.RoomID, r)
		r.sent = maxSingleChanges // the interval's singles are spent
	}
}

// flushReactions sends what each room held back and opens a new interval.
func (h *Hub) flushReactions() {
	b := &h.reactions
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, r := range b.rooms {
		if len(r.pending) == 0 {
			// A quiet interval: the room's next changes go out at once again.
			delete(b.rooms, id)
			continue
		}
		h.flushRoomReactions(id, r)
		// Still busy: the next interval holds everything back, so a long
		// storm costs one frame per interval.
		r.sent = maxSingleChanges
	}
}

// flushRoomReactions sends a room's held changes; b.mu is held.
func (h *Hub) flushRoomReactions(roomID int64, r *roomReactions) {
	held := make([]pendingReaction, 0, len(r.pending))
	for _, p := range r.pending {
		held = append(held, p)
	}
	clear(r.pending)
	if len(held) == 0 {
		return
	}
	slices.SortFunc(held, func(a, b pendingReaction) int { return cmp.Compare(a.order, b.order) })
	if len(held) <= maxSingleChanges {
		for _, p := range held {
			h.emitReaction(p.e)
		}
		return
	}
	e := reactionBatchEvent{Type: "reaction_batch", RoomID: roomID}
	groups := make(map[reactionKey]int) // (seq, emoji) → index in e.Reactions
	for _, p := range held {
		k := reactionKey{seq: p.e.Seq, emoji: p.e.Emoji}
		i, ok := groups[k]
		if !ok {
			i = len(e.Reactions)
			groups[k] = i
			e.Reactions = append(e.Reactions, reactionGroup{Seq: p.e.Seq, Emoji: p.e.Emoji, Added: []int64{}, Removed: []int64{}})
		}
		g := &e.Reactions[i]
		if p.e.Added {
			g.Added = append(g.Added, p.e.User.ID)
		} else {
			g.Removed = append(g.Removed, p.e.User.ID)
		}
	}
	h.emit(roomTopic(roomID), kindRoomEvent, roomID, 0, 0, e)
}

func (h *Hub) emitReaction(e chat.ReactionEvent) {
	h.emit(roomTopic(e.RoomID), kindRoomEvent, e.RoomID, 0, 0, reactionEvent{
		Type: "reaction", RoomID: e.RoomID, Seq: e.Seq, Emoji: e.Emoji, User: e.User, Added: e.Added,
	})
}

package chat

import "context"

// Reaction is one emoji on a message as one viewer sees it: how many people
// chose it and whether the viewer is one of them.
type Reaction struct {
	Emoji string `json:"emoji"`
	Count int64  `json:"count"`
	Me    bool   `json:"me"`
}

// ReactionEvent is a committed change of one person's reaction, told to
// the room's live members.
type ReactionEvent struct {
	RoomID int64
	Seq    int64
	Emoji  string
	User   User
	Added  bool
}

// MaxReactionEmoji bounds the different emoji one message may carry, so a
// message's reactions stay one short row whatever people do.
const MaxReactionEmoji = 20

// ReactionStore keeps reactions: one row per message, emoji and person, so
// that many people reacting at once never wait on a shared counter.
type ReactionStore interface {
	// AddReaction records userID's emoji on a message; changed is false
	// when it was there already. ENOTFOUND if the message does not exist,
	// ECONFLICT if it was deleted or already carries MaxReactionEmoji other
	// emoji.
	AddReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (changed bool, err error)
	// RemoveReaction removes userID's emoji from a message; changed is
	// false when it was not there. ENOTFOUND and ECONFLICT as AddReaction.
	RemoveReaction(ctx context.Context, roomID, seq, userID int64, emoji string) (changed bool, err error)
	// Reactions returns the reactions of roomID's messages with from ≤ seq
	// ≤ to, by seq, each message's emoji in the order they were first
	// chosen, with Me set for viewerID. Deleted messages have none.
	Reactions(ctx context.Context, roomID, viewerID, from, to int64) (map[int64][]Reaction, error)
	// ReactionsVersion names the state of what Reactions would answer for
	// the same arguments, for ETags: it changes whenever that answer may
	// have. "" means the store cannot tell without reading the reactions.
	ReactionsVersion(ctx context.Context, roomID, viewerID, from, to int64) (string, error)
}

// Span returns the seqs [from, to] a valid page of a room whose newest
// message is lastSeq can hold; from > to when it holds none. A page read
// after more messages arrived may hold newer ones: the span is what the
// room as read could show.
func (p Page) Span(lastSeq int64) (from, to int64) {
	limit := int64(p.Limit)
	if limit <= 0 {
		limit = PageDefaultLimit
	}
	switch {
	case p.BeforeSeq > 0:
		return max(1, p.BeforeSeq-limit), p.BeforeSeq - 1
	case p.AfterSeq > 0 || p.Forward:
		return p.AfterSeq + 1, p.AfterSeq + limit
	}
	return max(1, lastSeq-limit+1), lastSeq
}

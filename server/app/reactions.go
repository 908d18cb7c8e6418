package app

import (
	"context"
	"strconv"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// The default reaction limit: clicking through a picker fits, a script
// toggling reactions to flood a room's members does not.
const (
	DefaultReactionRate   = 60
	DefaultReactionWindow = 10 * time.Second
)

// AddReaction adds the caller's emoji to a message of a room they belong
// to. Adding one already there changes nothing and tells nobody.
func (a *App) AddReaction(ctx context.Context, u *chat.User, roomID, seq int64, emoji string) error {
	return a.react(ctx, u, roomID, seq, emoji, true)
}

// RemoveReaction removes the caller's emoji from a message. Removing one
// that is not there changes nothing and tells nobody.
func (a *App) RemoveReaction(ctx context.Context, u *chat.User, roomID, seq int64, emoji string) error {
	return a.react(ctx, u, roomID, seq, emoji, false)
}

func (a *App) react(ctx context.Context, u *chat.User, roomID, seq int64, emoji string, add bool) error {
	if err := chat.ValidateEmoji(emoji); err != nil {
		return err
	}
	if err := a.requireMember(ctx, u, roomID); err != nil {
		return err
	}
	if seq <= 0 {
		return chat.Errorf(chat.ENOTFOUND, "Message not found.")
	}
	if err := a.allowReaction(ctx, u); err != nil {
		return err
	}
	// Once started, the write runs to its end even if the caller gives up:
	// a reaction that committed must be announced, or every member's live
	// count would stay one off until they read the history again.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), reactionWriteTimeout)
	defer cancel()
	var changed bool
	var err error
	if add {
		changed, err = a.reactions.AddReaction(wctx, roomID, seq, u.ID, emoji)
	} else {
		changed, err = a.reactions.RemoveReaction(wctx, roomID, seq, u.ID, emoji)
	}
	if err != nil {
		return err
	}
	if changed {
		a.notify.ReactionChanged(wctx, chat.ReactionEvent{RoomID: roomID, Seq: seq, Emoji: emoji, User: *u, Added: add})
	}
	return nil
}

// reactionWriteTimeout bounds one reaction's write once it has a slot.
const reactionWriteTimeout = 10 * time.Second

// allowReaction counts one reaction change of u against the per-user
// reaction limit, shared by every replica like the send limit; a limiter
// that fails lets it through.
func (a *App) allowReaction(ctx context.Context, u *chat.User) error {
	if a.sendLimit == nil {
		return nil
	}
	ok, retry, err := a.sendLimit.Allow(ctx, "react:"+strconv.FormatInt(u.ID, 10), a.reactionRate, a.reactionWindow)
	if err != nil {
		a.log.WarnContext(ctx, "app: reaction limit unavailable, allowing", "user_id", u.ID, "err", err)
		return nil
	}
	if ok {
		return nil
	}
	retry = max(retry, time.Second)
	return chat.RateLimited(retry, "You are reacting too fast; try again in %d s.", int((retry+time.Second-1)/time.Second))
}

// ReactionsVersion names the state of the reactions a page of room shows
// u, for the page's ETag; "" when only the page itself can tell. p must
// be valid (ValidatePage).
func (a *App) ReactionsVersion(ctx context.Context, u *chat.User, room *chat.Room, p chat.Page) (string, error) {
	from, to := p.Span(room.LastSeq)
	return a.reactions.ReactionsVersion(ctx, room.ID, u.ID, from, to)
}

// withReactions sets each message's reactions as u sees them. A deleted
// message shows none, whatever a cache still holds for it.
func (a *App) withReactions(ctx context.Context, u *chat.User, roomID int64, msgs []chat.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	rs, err := a.reactions.Reactions(ctx, roomID, u.ID, msgs[0].Seq, msgs[len(msgs)-1].Seq)
	if err != nil {
		return err
	}
	for i := range msgs {
		if msgs[i].Deleted {
			msgs[i].Reactions = nil
			continue
		}
		msgs[i].Reactions = rs[msgs[i].Seq]
	}
	return nil
}

package chat

// Replies. A reply is a message of its room like any other: it takes the
// room's next seq, so history, resume and gap detection see it as they
// see every message. What makes it a reply:
//
//   - ReplyTo is the seq of its thread's first message, its parent. Threads
//     are flat: a send that names a reply as its parent joins that reply's
//     thread instead.
//   - ReplyNumber is its place in the thread, 1 for the first reply.
//     Replies are never removed (a deleted one stays as a placeholder, as
//     in history), so it is also the parent's ReplyCount as of this reply.
//
// A parent carries ReplyCount and LastReplyAt (the newest reply's
// created_at); both move in the same commit as the reply.

// ValidateReplyTo checks the reply_to of a send before anything is
// stored: the seq of a message, so a positive integer. Whether that
// message exists, belongs to the room and is not deleted is checked when
// the reply is committed.
func ValidateReplyTo(seq int64) error {
	if seq <= 0 {
		return Invalid("reply_to", "reply_to must be the seq of a message of this room.")
	}
	return nil
}

// NoParent refuses a reply whose reply_to names no message of the room.
func NoParent() error {
	return Invalid("reply_to", "reply_to names no message of this room.")
}

// DeletedParent refuses a reply to a deleted message, or into a thread
// whose first message was deleted: such a thread takes no more replies.
func DeletedParent() error {
	return Invalid("reply_to", "That message was deleted; it takes no replies.")
}

package postgres

import (
	"context"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// sendReq is one SendMessage waiting for its committer.
type sendReq struct {
	ctx      context.Context
	msg      chat.NewMessage
	mentions chat.Mentions
	done     chan sendResult // buffered: the committer never blocks on a caller
	enqueued time.Time
}

type sendResult struct {
	msg     *chat.Message
	created bool
	err     error
}

// SendMessage commits a message with the room's next seq. Concurrent sends
// are grouped into one transaction: a lone send is committed at once, and
// sends that arrive while a transaction is in flight form the next one. A
// second send with the same (room, user, client_id) returns the first
// message and created=false, and takes no seq. ENOTFOUND if the room or user
// does not exist; EINVALID for a bad body or client_id, or for a reply_to
// naming no message of the room or a deleted one (see chat.NoParent). A ctx that ends
// while the send waits in the queue returns ctx.Err() and nothing is
// stored; one that ends while its batch commits returns the commit's
// outcome.
func (s *Store) SendMessage(ctx context.Context, m chat.NewMessage) (*chat.Message, bool, error) {
	if err := validateBody(m.Body); err != nil {
		return nil, false, err
	}
	if err := chat.ValidateClientID(m.ClientID); err != nil {
		return nil, false, err
	}
	if m.ReplyTo != 0 {
		if err := chat.ValidateReplyTo(m.ReplyTo); err != nil {
			return nil, false, err
		}
	}
	if m.RoomID <= 0 {
		return nil, false, chat.Errorf(chat.ENOTFOUND, "Room not found.")
	}
	if m.UserID <= 0 {
		return nil, false, chat.Errorf(chat.ENOTFOUND, "User not found.")
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	req := &sendReq{ctx: ctx, msg: m, mentions: chat.ParseMentions(m.Body), done: make(chan sendResult, 1), enqueued: time.Now()}
	if err := s.enqueue(req); err != nil {
		return nil, false, err
	}
	// Even once ctx has ended the committer's answer is awaited: it may be
	// committing this send right now, and whoever called must not move on
	// (a cache retiring the room's versions, a client told "not sent")
	// before the commit is done. The committer answers a send whose ctx
	// ended before it was taken at once, without storing it, and one it
	// is committing within its commit timeout.
	r := <-req.done
	return r.msg, r.created, r.err
}

func (s *Store) enqueue(req *sendReq) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return chat.Errorf(chat.EUNAVAILABLE, "The message store is shutting down.")
	}
	ch := s.shards[uint64(req.msg.RoomID)%uint64(len(s.shards))]
	select {
	case ch <- req:
		return nil
	default:
		// A full queue means PostgreSQL takes sends more slowly than they
		// come: waiting would only make every sender's ack late, so this
		// one is told to come back, and nothing it sent is half-done.
		s.refused.Add(1)
		return chat.RateLimited(queueFullRetry, "The server is busy; try again in a moment.")
	}
}

// queueFullRetry is the wait a sender refused for a full commit queue is
// asked to keep: long enough for a queue to drain at the slowest commit
// rate seen here.
const queueFullRetry = time.Second

// commitLoop is one committer: it takes whatever is queued (up to MaxBatch)
// and commits it as one batch, so a lone send waits for nobody and a busy
// shard amortizes each transaction over many sends. It returns once its
// shard is closed and drained.
func (s *Store) commitLoop(ch chan *sendReq) {
	defer s.wg.Done()
	batch := make([]*sendReq, 0, s.maxBatch)
	for first := range ch {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < s.maxBatch {
			select {
			case req, ok := <-ch:
				if !ok {
					break fill
				}
				batch = append(batch, req)
			default:
				break fill
			}
		}
		s.commitBatch(batch)
		clear(batch)
	}
}

// commitBatch commits a batch and answers each of its callers. If the batch
// transaction fails, its sends are retried one by one so that one bad send
// (a deleted room, an unknown user) fails alone.
func (s *Store) commitBatch(batch []*sendReq) {
	start := time.Now()
	live := batch[:0:0]
	for _, req := range batch {
		chat.ObserveStage(req.ctx, chat.StageQueue, req.enqueued)
		if err := req.ctx.Err(); err != nil {
			req.done <- sendResult{err: err}
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	results, err := s.commitGroup(live)
	// Before anyone is answered: a sender's next read must see the send.
	s.wroteSends(live)
	if err == nil {
		for i, req := range live {
			chat.ObserveStage(req.ctx, chat.StageCommit, start)
			req.done <- results[i]
		}
		return
	}
	if len(live) == 1 || s.ctx.Err() != nil {
		for _, req := range live {
			req.done <- sendResult{err: err}
		}
		return
	}
	for _, req := range live {
		if cerr := req.ctx.Err(); cerr != nil {
			req.done <- sendResult{err: cerr}
			continue
		}
		one, err := s.commitGroup([]*sendReq{req})
		s.wroteSends([]*sendReq{req})
		if err != nil {
			req.done <- sendResult{err: err}
			continue
		}
		req.done <- one[0]
	}
}

// wroteSends records the senders of a batch that was just committed (or
// may have been) for the read replica's routing.
func (s *Store) wroteSends(reqs []*sendReq) {
	if s.lag == nil {
		return
	}
	users := make([]int64, len(reqs))
	for i, r := range reqs {
		users[i] = r.msg.UserID
	}
	s.lag.wrote(users...)
}

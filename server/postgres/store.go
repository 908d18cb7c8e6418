package postgres

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/parleychat/parley/server/chat"
)

// StoreOptions tunes the group commit of sends.
type StoreOptions struct {
	// Committers is how many goroutines commit sends, each owning the rooms
	// whose id falls in its shard. Zero means 1: one committer is a
	// leader/follower group commit — a send finding it idle is committed at
	// once, and the sends that arrive while a batch is in flight form the
	// next batch, one statement for all their rooms. More committers make
	// smaller batches that compete for the same CPU and WAL flushes
	// (BenchmarkSendLatency: 64 senders, 16.1k msgs/s at p99 14 ms with
	// one, 6.7k at p99 123 ms with four).
	Committers int
	// MaxBatch caps how many sends share one transaction. 1 commits every
	// send in its own transaction. Zero means 256.
	MaxBatch int
	// QueueSize bounds the sends waiting for each committer; past it a send
	// is refused with ERATELIMITED. Zero means 1024.
	QueueSize int
	// CommitTimeout bounds one batch transaction. Zero means 10 seconds.
	CommitTimeout time.Duration
	// OnBatch, when set, hears the size of every committed batch (for a
	// metric); it runs on the committer and must not block.
	OnBatch func(sends int)
}

// Defaults of StoreOptions.
const (
	DefaultCommitters    = 1
	DefaultMaxBatch      = 256
	DefaultCommitTimeout = 10 * time.Second
	DefaultQueueSize     = 1024
)

// Store implements chat.UserStore, chat.SessionStore, chat.RoomStore,
// chat.MessageStore and chat.ReactionStore on PostgreSQL. It owns the
// committer goroutines of SendMessage and of reactions: Close stops them.
type Store struct {
	primary *sqlx.DB
	replica *sqlx.DB
	// commit is the primary's pool reserved for the committers.
	commit *sqlx.DB

	maxBatch int
	timeout  time.Duration
	shards   []chan *sendReq

	// mu guards closed against sends racing Close's closing of shards.
	mu     sync.RWMutex
	closed bool
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once

	// insert is the prepared statement of a batch's fast path, made on
	// first use; insertReplies that of a batch holding a reply.
	stmtMu        sync.Mutex
	insert        *sqlx.Stmt
	insertReplies *sqlx.Stmt
	// insertMentions is the plain statement for a batch that mentions
	// someone (mention_sql.go).
	insertMentions *sqlx.Stmt

	// lag decides which reads the replica may answer; nil without one.
	lag                                   *lagTracker
	replicaReads, primaryReads, fallbacks atomic.Uint64

	batches atomic.Uint64
	sends   atomic.Uint64
	refused atomic.Uint64
	onBatch func(int)

	// reactq feeds the reaction committer (reaction_commit.go).
	reactq                                             chan *reactionReq
	reactionBatches, reactionChanges, reactionsRefused atomic.Uint64
}

var (
	_ chat.UserStore    = (*Store)(nil)
	_ chat.SessionStore = (*Store)(nil)
	_ chat.RoomStore    = (*Store)(nil)
	_ chat.MessageStore = (*Store)(nil)
)

// NewStore returns a Store over db and starts its committers.
func NewStore(db *DB, o StoreOptions) *Store {
	if o.Committers <= 0 {
		o.Committers = DefaultCommitters
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.CommitTimeout <= 0 {
		o.CommitTimeout = DefaultCommitTimeout
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	// The batch transaction outlives any one caller, so it runs under the
	// store's own context, cancelled only once the committers have drained.
	ctx, cancel := context.WithCancel(context.Background())
	s := &Store{
		primary:  db.Primary(),
		replica:  db.Replica(),
		commit:   db.Commit(),
		lag:      db.lag,
		maxBatch: o.MaxBatch,
		timeout:  o.CommitTimeout,
		onBatch:  o.OnBatch,
		ctx:      ctx,
		cancel:   cancel,
	}
	for range o.Committers {
		ch := make(chan *sendReq, o.QueueSize)
		s.shards = append(s.shards, ch)
		s.wg.Add(1)
		go s.commitLoop(ch)
	}
	s.reactq = make(chan *reactionReq, reactionQueue)
	s.wg.Add(1)
	go s.reactionLoop()
	return s
}

// Close stops taking sends, lets the committers finish the sends already
// queued, and waits for them. It does not close the DB.
func (s *Store) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		for _, ch := range s.shards {
			close(ch)
		}
		close(s.reactq)
		s.mu.Unlock()
		s.wg.Wait()
		s.cancel()
		s.stmtMu.Lock()
		if s.insert != nil {
			_ = s.insert.Close()
		}
		if s.insertReplies != nil {
			_ = s.insertReplies.Close()
		}
		if s.insertMentions != nil {
			_ = s.insertMentions.Close()
		}
		s.stmtMu.Unlock()
	})
	return nil
}

// SendStats counts the work of group commit since NewStore.
type SendStats struct {
	// Batches is how many transactions committed sends.
	Batches uint64
	// Sends is how many sends those transactions carried.
	Sends uint64
	// Refused is how many sends were refused because their committer's
	// queue was full.
	Refused uint64
}

// Stats reports how well sends are being grouped (Sends / Batches is the
// mean batch size).
func (s *Store) Stats() SendStats {
	return SendStats{Batches: s.batches.Load(), Sends: s.sends.Load(), Refused: s.refused.Load()}
}

// validateBody applies the domain's rule plus PostgreSQL's own: text cannot
// hold a NUL character.
func validateBody(body string) error {
	if err := chat.ValidateBody(body); err != nil {
		return err
	}
	if strings.IndexByte(body, 0) >= 0 {
		return chat.Invalid("body", "Body must not contain NUL characters.")
	}
	return nil
}

package chat

import (
	"context"
	"time"
)

// Stage names one step of a send on its way from the client to the
// members, so that the latency of each step can be measured where it
// happens without the layers knowing about metrics.
type Stage uint8

// The stages of a send, in the order a send passes them.
const (
	// StageDecode: the frame read and decoded.
	StageDecode Stage = iota
	// StageSession: the connection's session found still alive.
	StageSession
	// StageMember: the sender's membership of the room checked.
	StageMember
	// StageLimit: the sender's send budget counted.
	StageLimit
	// StageQueue: waiting for a committer to take the send.
	StageQueue
	// StageCommit: the batch statement that commits the send.
	StageCommit
	// StageAck: from the send returning (committed, and fanned out to this
	// replica's members) to the ack queued on the connection.
	StageAck
	// StageAckWrite: from the ack queued to it written to the socket.
	StageAckWrite
	// StageFanout: queuing a committed message to every local member.
	StageFanout
	// StagePublish: from the commit to the broker taking the message for
	// the other replicas.
	StagePublish
	// StageWrite: from a message's fan-out to its frame written to one
	// member's socket.
	StageWrite
	// NumStages counts the stages.
	NumStages
)

var stageNames = [NumStages]string{
	"decode", "session", "member", "limit", "queue", "commit",
	"ack", "ack_write", "fanout", "publish", "write",
}

// String is the stage's name as metrics label it.
func (s Stage) String() string {
	if s < NumStages {
		return stageNames[s]
	}
	return "unknown"
}

// StageObserver hears how long one stage of a send took. It must be cheap
// and safe for concurrent use: it runs on the send path.
type StageObserver func(Stage, time.Duration)

type stageKey struct{}

// WithStageObserver returns a context whose sends report their stages to
// obs.
func WithStageObserver(ctx context.Context, obs StageObserver) context.Context {
	return context.WithValue(ctx, stageKey{}, obs)
}

// ObserveStage reports that stage ran from start until now to the context's
// observer, if any, and returns now so that the next stage can start there.
func ObserveStage(ctx context.Context, stage Stage, start time.Time) time.Time {
	now := time.Now()
	if obs, ok := ctx.Value(stageKey{}).(StageObserver); ok {
		obs(stage, now.Sub(start))
	}
	return now
}

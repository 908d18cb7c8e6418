package loadsim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The recovery side of a socket: its outbox of unacked sends and resume.

// resuming says a resume awaits its answer: messages now are replays.
func (s *socket) resuming() bool { return s.asked.Load() > s.answered.Load() }

// deliver records a message and, like a browser, resumes when a live
// message skipped seqs and no resume is already under way.
func (s *socket) deliver(room, seq int64, sent, now time.Time) error {
	gap := s.recv.Deliver(room, seq, sent, now, s.resuming())
	if gap && !s.resuming() && !s.final.Load() {
		s.stats.GapResumes.Add(1)
		return s.resume()
	}
	return nil
}

// resume asks for everything after the receiver's watermarks and returns
// the number of the request on this connection.
func (s *socket) resume() error {
	_, err := s.resumeN()
	return err
}

func (s *socket) resumeN() (int64, error) {
	rooms := make(map[string]int64)
	for id, wm := range s.recv.Watermarks() {
		rooms[strconv.FormatInt(id, 10)] = wm
	}
	n := s.asked.Add(1)
	return n, s.write(map[string]any{"type": "resume", "rooms": rooms})
}

// send posts a message; it stays in the outbox until acked or refused.
func (s *socket) send(room int64, body, clientID string) error {
	return s.sendReply(room, 0, body, clientID)
}

// sendReply posts a message that answers replyTo (a plain message when 0).
func (s *socket) sendReply(room, replyTo int64, body, clientID string) error {
	f := map[string]any{"type": "send", "room_id": room, "body": body, "client_id": clientID}
	if replyTo > 0 {
		f["reply_to"] = replyTo
	}
	frame, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("ws: encode send: %w", err)
	}
	s.outbox.Store(clientID, frame)
	s.ledger.Sent(clientID, room, time.Now())
	return s.writeRaw(frame)
}

func (s *socket) resend() error {
	var err error
	s.outbox.Range(func(_, v any) bool {
		err = s.writeRaw(v.([]byte))
		return err == nil
	})
	return err
}

// finalResume stops reconnecting, asks for everything missed and waits
// for the answer to that very request (resumes are answered in order, and
// an earlier one may still be running): after it the receiver's record is
// complete.
func (s *socket) finalResume(ctx context.Context, timeout time.Duration) bool {
	s.final.Store(true)
	s.recv.Finalize()
	gen := s.gen.Load()
	n, err := s.resumeN()
	if err != nil {
		return false
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	for s.answered.Load() < n {
		select {
		case <-s.resumed:
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	if s.gen.Load() != gen || s.replayFailed.Load() {
		return false
	}
	s.recv.Verify()
	return true
}

// resumePoint formats watermarks as the value of /ws's resume parameter:
// "room:seq,room:seq", rooms in id order.
func resumePoint(wm map[int64]int64) string {
	ids := make([]int64, 0, len(wm))
	for id := range wm {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(wm[id], 10))
	}
	return b.String()
}

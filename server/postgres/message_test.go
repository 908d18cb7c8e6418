package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestListMessages(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	const total = 23
	for i := 1; i <= total; i++ {
		send(t, s, r.ID, u.ID, fmt.Sprintf("c%d", i))
	}
	seqs := func(ms []chat.Message) []int64 {
		out := make([]int64, len(ms))
		for i, m := range ms {
			out[i] = m.Seq
		}
		return out
	}
	t.Run("OKNewest", func(t *testing.T) {
		ms, more, err := s.ListMessages(ctx, r.ID, chat.Page{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(ms); len(got) != 5 || got[0] != 19 || got[4] != 23 || !more {
			t.Fatalf("got %v more=%v, want 19..23 with more", got, more)
		}
		if ms[0].User != *u || ms[0].Body != "hello c19" || ms[0].ClientID != "c19" || ms[0].CreatedAt.IsZero() {
			t.Fatalf("message %+v lacks its author or fields", ms[0])
		}
	})
	t.Run("OKBeforeWalksBackWithoutGapOrOverlap", func(t *testing.T) {
		var all []int64
		ms, more, err := s.ListMessages(ctx, r.ID, chat.Page{Limit: 5})
		for {
			if err != nil {
				t.Fatal(err)
			}
			all = append(seqs(ms), all...)
			if !more {
				break
			}
			ms, more, err = s.ListMessages(ctx, r.ID, chat.Page{BeforeSeq: ms[0].Seq, Limit: 5})
		}
		for i, seq := range all {
			if seq != int64(i+1) {
				t.Fatalf("stitched history %v, want 1..%d", all, total)
			}
		}
		if len(all) != total {
			t.Fatalf("stitched %d messages, want %d", len(all), total)
		}
	})
	t.Run("OKAfterWalksForwardWithoutGapOrOverlap", func(t *testing.T) {
		// The oldest page: everything before seq 8.
		ms, older, err := s.ListMessages(ctx, r.ID, chat.Page{BeforeSeq: 8, Limit: 7})
		if err != nil || older {
			t.Fatalf("first page %v older=%v err=%v, want 1..7 and nothing older", seqs(ms), older, err)
		}
		all := seqs(ms)
		for more := true; more; {
			ms, more, err = s.ListMessages(ctx, r.ID, chat.Page{AfterSeq: all[len(all)-1], Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, seqs(ms)...)
		}
		for i, seq := range all {
			if seq != int64(i+1) {
				t.Fatalf("stitched history %v, want 1..%d", all, total)
			}
		}
		if len(all) != total {
			t.Fatalf("stitched %d messages, want %d", len(all), total)
		}
	})
	t.Run("OKAfterLastHasNoMore", func(t *testing.T) {
		ms, more, err := s.ListMessages(ctx, r.ID, chat.Page{AfterSeq: total})
		if err != nil || len(ms) != 0 || more || ms == nil {
			t.Fatalf("got %v more=%v err=%v, want an empty page without more", ms, more, err)
		}
	})
	t.Run("OKLimitClamped", func(t *testing.T) {
		ms, _, err := s.ListMessages(ctx, r.ID, chat.Page{Limit: 1000})
		if err != nil || len(ms) != total {
			t.Fatalf("got %d, %v; want all %d (under the max)", len(ms), err, total)
		}
		ms, _, err = s.ListMessages(ctx, r.ID, chat.Page{Limit: -3})
		if err != nil || len(ms) != 1 {
			t.Fatalf("negative limit gave %d, %v; want 1", len(ms), err)
		}
	})
	t.Run("OKUnknownRoomIsEmpty", func(t *testing.T) {
		ms, more, err := s.ListMessages(ctx, r.ID+1000, chat.Page{})
		if err != nil || len(ms) != 0 || more {
			t.Fatalf("got %v more=%v err=%v, want empty", ms, more, err)
		}
	})
	t.Run("ErrBothCursors", func(t *testing.T) {
		_, _, err := s.ListMessages(ctx, r.ID, chat.Page{BeforeSeq: 5, AfterSeq: 2})
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrNegativeCursor", func(t *testing.T) {
		_, _, err := s.ListMessages(ctx, r.ID, chat.Page{BeforeSeq: -1})
		wantCode(t, err, chat.EINVALID)
	})
}

func TestListMessagesDefaultLimit(t *testing.T) {
	_, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	for i := range chat.PageMaxLimit + 1 {
		send(t, s, r.ID, u.ID, fmt.Sprintf("c%d", i))
	}
	t.Run("OKDefault", func(t *testing.T) {
		ms, more, err := s.ListMessages(context.Background(), r.ID, chat.Page{})
		if err != nil || len(ms) != chat.PageDefaultLimit || !more {
			t.Fatalf("got %d more=%v err=%v, want %d with more", len(ms), more, err, chat.PageDefaultLimit)
		}
	})
	t.Run("OKMax", func(t *testing.T) {
		ms, more, err := s.ListMessages(context.Background(), r.ID, chat.Page{Limit: 500})
		if err != nil || len(ms) != chat.PageMaxLimit || !more {
			t.Fatalf("got %d more=%v err=%v, want %d with more", len(ms), more, err, chat.PageMaxLimit)
		}
	})
}

func TestFindMessage(t *testing.T) {
	_, s := testenv.Open(t)
	u := newUser(t, s)
	r := newRoom(t, s, u)
	sent := send(t, s, r.ID, u.ID, "x")
	t.Run("OK", func(t *testing.T) {
		m, err := s.FindMessage(context.Background(), r.ID, sent.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != sent.ID || m.Body != sent.Body || m.User != *u {
			t.Fatalf("got %+v, want %+v", m, sent)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindMessage(context.Background(), r.ID, sent.Seq+1)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func TestEditMessage(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	sent := send(t, s, r.ID, u.ID, "x")
	t.Run("OK", func(t *testing.T) {
		m, err := s.EditMessage(ctx, r.ID, sent.Seq, "fixed <b>typo</b>")
		if err != nil {
			t.Fatal(err)
		}
		if m.Body != "fixed <b>typo</b>" || m.EditedAt == nil || m.User != *u || m.Seq != sent.Seq {
			t.Fatalf("got %+v, want the new body with edited_at", m)
		}
		room, err := s.FindRoom(ctx, r.ID)
		if err != nil || room.Rev != 1 || room.LastSeq != 1 {
			t.Fatalf("room %+v %v, want rev 1 and last_seq 1", room, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.EditMessage(ctx, r.ID, sent.Seq+1, "y")
		wantCode(t, err, chat.ENOTFOUND)
		_, err = s.EditMessage(ctx, r.ID+1000, 1, "y")
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrEmptyBody", func(t *testing.T) {
		_, err := s.EditMessage(ctx, r.ID, sent.Seq, "")
		wantCode(t, err, chat.EINVALID)
	})
	t.Run("ErrDeleted", func(t *testing.T) {
		if _, err := s.DeleteMessage(ctx, r.ID, sent.Seq); err != nil {
			t.Fatal(err)
		}
		_, err := s.EditMessage(ctx, r.ID, sent.Seq, "again")
		wantCode(t, err, chat.EINVALID)
	})
}

func TestDeleteMessage(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u := newUser(t, s)
	r := newRoom(t, s, u)
	sent := send(t, s, r.ID, u.ID, "x")
	t.Run("OK", func(t *testing.T) {
		m, err := s.DeleteMessage(ctx, r.ID, sent.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Deleted || m.Body != "" || m.ID != sent.ID {
			t.Fatalf("got %+v, want deleted with an empty body", m)
		}
		room, err := s.FindRoom(ctx, r.ID)
		if err != nil || room.Rev != 1 {
			t.Fatalf("room %+v %v, want rev 1", room, err)
		}
	})
	t.Run("OKTwiceIsNoOp", func(t *testing.T) {
		m, err := s.DeleteMessage(ctx, r.ID, sent.Seq)
		if err != nil || !m.Deleted {
			t.Fatalf("got %+v %v, want the deleted message", m, err)
		}
		room, err := s.FindRoom(ctx, r.ID)
		if err != nil || room.Rev != 1 {
			t.Fatalf("room %+v %v, want rev still 1", room, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.DeleteMessage(ctx, r.ID, sent.Seq+1)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

package postgres_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestAddMember(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	owner, newcomer := newUser(t, s), newUser(t, s)
	r := newRoom(t, s, owner)
	send(t, s, r.ID, owner.ID, "m1")
	send(t, s, r.ID, owner.ID, "m2")
	t.Run("OK", func(t *testing.T) {
		added, err := s.AddMember(ctx, r.ID, newcomer.ID, chat.RoleMember)
		if err != nil || !added {
			t.Fatalf("added = %v, %v; want true", added, err)
		}
		m, err := s.FindMembership(ctx, r.ID, newcomer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.ReadSeq != 2 || m.Role != chat.RoleMember {
			t.Fatalf("membership %+v, want member with read_seq 2 (nothing unread)", m)
		}
	})
	t.Run("OKAlreadyMember", func(t *testing.T) {
		added, err := s.AddMember(ctx, r.ID, newcomer.ID, chat.RoleMember)
		if err != nil || added {
			t.Fatalf("added = %v, %v; want false", added, err)
		}
	})
	t.Run("ErrUnknownRoom", func(t *testing.T) {
		_, err := s.AddMember(ctx, r.ID+1000, newcomer.ID, chat.RoleMember)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		_, err := s.AddMember(ctx, r.ID, newcomer.ID+1000, chat.RoleMember)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("ErrBadRole", func(t *testing.T) {
		_, err := s.AddMember(ctx, r.ID, newUser(t, s).ID, "admin")
		wantCode(t, err, chat.EINVALID)
	})
}

func TestRemoveMember(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	owner, u := newUser(t, s), newUser(t, s)
	r := newRoom(t, s, owner)
	if _, err := s.AddMember(ctx, r.ID, u.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		removed, err := s.RemoveMember(ctx, r.ID, u.ID)
		if err != nil || !removed {
			t.Fatalf("removed = %v, %v; want true", removed, err)
		}
		_, err = s.FindMembership(ctx, r.ID, u.ID)
		wantCode(t, err, chat.ENOTFOUND)
	})
	t.Run("OKNotMember", func(t *testing.T) {
		removed, err := s.RemoveMember(ctx, r.ID, u.ID)
		if err != nil || removed {
			t.Fatalf("removed = %v, %v; want false", removed, err)
		}
	})
}

func TestFindMembership(t *testing.T) {
	_, s := testenv.Open(t)
	owner := newUser(t, s)
	r := newRoom(t, s, owner)
	t.Run("OK", func(t *testing.T) {
		m, err := s.FindMembership(context.Background(), r.ID, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := chat.Membership{RoomID: r.ID, UserID: owner.ID, Role: chat.RoleOwner}
		if *m != want {
			t.Fatalf("got %+v, want %+v", m, want)
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		_, err := s.FindMembership(context.Background(), r.ID, newUser(t, s).ID)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func TestMarkRead(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	owner, reader := newUser(t, s), newUser(t, s)
	r := newRoom(t, s, owner)
	if _, err := s.AddMember(ctx, r.ID, reader.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"1", "2", "3", "4", "5"} {
		send(t, s, r.ID, owner.ID, c)
	}
	readSeq := func(t *testing.T) int64 {
		t.Helper()
		m, err := s.FindMembership(ctx, r.ID, reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m.ReadSeq
	}
	t.Run("OKForward", func(t *testing.T) {
		moved, err := s.MarkRead(ctx, r.ID, reader.ID, 3)
		if err != nil || !moved || readSeq(t) != 3 {
			t.Fatalf("moved = %v, %v, read_seq %d; want moved to 3", moved, err, readSeq(t))
		}
	})
	t.Run("OKNeverBackward", func(t *testing.T) {
		moved, err := s.MarkRead(ctx, r.ID, reader.ID, 2)
		if err != nil || moved || readSeq(t) != 3 {
			t.Fatalf("moved = %v, %v, read_seq %d; want unmoved at 3", moved, err, readSeq(t))
		}
	})
	t.Run("OKSameIsNoMove", func(t *testing.T) {
		moved, err := s.MarkRead(ctx, r.ID, reader.ID, 3)
		if err != nil || moved {
			t.Fatalf("moved = %v, %v; want false", moved, err)
		}
	})
	t.Run("OKPastLastSeqIsCapped", func(t *testing.T) {
		moved, err := s.MarkRead(ctx, r.ID, reader.ID, 6)
		if err != nil || !moved || readSeq(t) != 5 {
			t.Fatalf("moved = %v, %v, read_seq %d; want moved to the last seq 5", moved, err, readSeq(t))
		}
	})
	t.Run("OKAtLastSeqIsNoMove", func(t *testing.T) {
		moved, err := s.MarkRead(ctx, r.ID, reader.ID, 1<<40)
		if err != nil || moved || readSeq(t) != 5 {
			t.Fatalf("moved = %v, %v, read_seq %d; want unmoved at 5", moved, err, readSeq(t))
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		_, err := s.MarkRead(ctx, r.ID, newUser(t, s).ID, 1)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

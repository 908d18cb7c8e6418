package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

// mentionsOf returns user's mention count of room from their room list.
func mentionsOf(tb testing.TB, s *postgres.Store, user *chat.User, roomID int64) int64 {
	tb.Helper()
	rooms, err := s.UserRooms(context.Background(), user.ID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rooms {
		if r.ID == roomID {
			if r.Mentions == nil {
				tb.Fatalf("room %d of user %d has no mentions count", roomID, user.ID)
			}
			return *r.Mentions
		}
	}
	tb.Fatalf("user %d is not in room %d", user.ID, roomID)
	return 0
}

// say sends body and fails the test on error.
func say(tb testing.TB, s *postgres.Store, roomID int64, from *chat.User, body string) *chat.Message {
	tb.Helper()
	m, created, err := s.SendMessage(context.Background(), chat.NewMessage{RoomID: roomID, UserID: from.ID, Body: body, ClientID: fmt.Sprintf("m%d", userSeq.Add(1))})
	if err != nil || !created {
		tb.Fatalf("send %q: created %v, %v", body, created, err)
	}
	return m
}

func TestMentions(t *testing.T) {
	db, s := testenv.Open(t)
	ctx := context.Background()
	owner, bob, carol, outsider := newUser(t, s), newUser(t, s), newUser(t, s), newUser(t, s)
	r := newRoom(t, s, owner)
	for _, u := range []*chat.User{bob, carol} {
		if _, err := s.AddMember(ctx, r.ID, u.ID, chat.RoleMember); err != nil {
			t.Fatal(err)
		}
	}
	readAll := func(t *testing.T, users ...*chat.User) {
		t.Helper()
		for _, u := range users {
			if _, err := s.MarkRead(ctx, r.ID, u.ID, 1<<40); err != nil {
				t.Fatal(err)
			}
		}
	}
	counts := func(t *testing.T, want map[*chat.User]int64) {
		t.Helper()
		for u, n := range want {
			if got := mentionsOf(t, s, u, r.ID); got != n {
				t.Errorf("user %s: mentions = %d, want %d", u.Username, got, n)
			}
		}
	}

	t.Run("OKByName", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		m := say(t, s, r.ID, owner, "hi @"+bob.Username+", see @"+carol.Username+".")
		want := []int64{bob.ID, carol.ID}
		slices.Sort(want)
		if !slices.Equal(m.Mentioned, want) || m.MentionsRoom {
			t.Fatalf("mentioned %v room=%v, want %v", m.Mentioned, m.MentionsRoom, want)
		}
		counts(t, map[*chat.User]int64{owner: 0, bob: 1, carol: 1})
		// Writing in the room reads it: carol's marker moves past her own
		// message, so the mention before it no longer counts.
		say(t, s, r.ID, carol, "@"+bob.Username+" again")
		counts(t, map[*chat.User]int64{bob: 2, carol: 0})
	})
	t.Run("OKLetterCaseAndOneStatement", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		before := db.QueryCount()
		m := say(t, s, r.ID, owner, "@"+toUpper(bob.Username))
		if got := db.QueryCount() - before; got != 1 {
			t.Errorf("a send with a mention took %d statements, want 1", got)
		}
		if !slices.Equal(m.Mentioned, []int64{bob.ID}) {
			t.Fatalf("mentioned %v, want bob", m.Mentioned)
		}
	})
	t.Run("OKNonMembersAndStrangersArePlainText", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		m := say(t, s, r.ID, owner, "@"+outsider.Username+" @nosuchuser_x")
		if m.Mentioned != nil || m.MentionsRoom {
			t.Fatalf("mentioned %v room=%v, want nobody", m.Mentioned, m.MentionsRoom)
		}
		var n int
		if err := db.Primary().GetContext(ctx, &n, `SELECT count(*) FROM mentions WHERE user_id = $1`, outsider.ID); err != nil || n != 0 {
			t.Fatalf("outsider has %d mention rows (%v), want 0", n, err)
		}
	})
	t.Run("OKSelfMentionIsNone", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		m := say(t, s, r.ID, bob, "note to @"+bob.Username)
		if m.Mentioned != nil {
			t.Fatalf("mentioned %v, want nobody", m.Mentioned)
		}
		counts(t, map[*chat.User]int64{bob: 0})
	})
	t.Run("OKCodeIsNoMention", func(t *testing.T) {
		m := say(t, s, r.ID, owner, "`@"+bob.Username+"` and\n```\n@"+carol.Username+"\n```")
		if m.Mentioned != nil {
			t.Fatalf("mentioned %v, want nobody", m.Mentioned)
		}
	})
	t.Run("OKRoom", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		m := say(t, s, r.ID, carol, "@room lunch? @"+bob.Username)
		if !m.MentionsRoom || m.Mentioned != nil {
			t.Fatalf("mentioned %v room=%v, want the room and nobody by name", m.Mentioned, m.MentionsRoom)
		}
		// Bob is named too, but it is one message: one mention.
		counts(t, map[*chat.User]int64{owner: 1, bob: 1, carol: 0})
		late := newUser(t, s)
		if _, err := s.AddMember(ctx, r.ID, late.ID, chat.RoleMember); err != nil {
			t.Fatal(err)
		}
		counts(t, map[*chat.User]int64{late: 0})
	})
	t.Run("OKReadMarkerResets", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		first := say(t, s, r.ID, owner, "@"+bob.Username+" one")
		say(t, s, r.ID, owner, "@"+bob.Username+" two")
		counts(t, map[*chat.User]int64{bob: 2})
		if _, err := s.MarkRead(ctx, r.ID, bob.ID, first.Seq); err != nil {
			t.Fatal(err)
		}
		counts(t, map[*chat.User]int64{bob: 1})
		readAll(t, bob)
		counts(t, map[*chat.User]int64{bob: 0})
	})
	t.Run("OKDeleteForgets", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		m := say(t, s, r.ID, owner, "@"+bob.Username+" @room oops")
		say(t, s, r.ID, owner, "@"+carol.Username+" stays")
		counts(t, map[*chat.User]int64{bob: 1, carol: 2})
		if _, err := s.DeleteMessage(ctx, r.ID, m.Seq); err != nil {
			t.Fatal(err)
		}
		counts(t, map[*chat.User]int64{bob: 0, carol: 1})
	})
	t.Run("OKRoomSwitchedOff", func(t *testing.T) {
		readAll(t, owner, bob, carol)
		before, err := s.FindRoom(ctx, r.ID)
		if err != nil || !before.RoomMentions {
			t.Fatalf("room %+v %v, want room_mentions on by default", before, err)
		}
		off, err := s.SetRoomMentions(ctx, r.ID, false)
		if err != nil || off.RoomMentions || off.Rev != before.Rev+1 {
			t.Fatalf("SetRoomMentions(false) = %+v %v, want off with rev %d", off, err, before.Rev+1)
		}
		if same, err := s.SetRoomMentions(ctx, r.ID, false); err != nil || same.Rev != off.Rev {
			t.Fatalf("setting it again = %+v %v, want rev %d unchanged", same, err, off.Rev)
		}
		m := say(t, s, r.ID, owner, "@room nobody hears this, @"+bob.Username+" does")
		if m.MentionsRoom || !slices.Equal(m.Mentioned, []int64{bob.ID}) {
			t.Fatalf("mentioned %v room=%v, want bob only", m.Mentioned, m.MentionsRoom)
		}
		counts(t, map[*chat.User]int64{bob: 1, carol: 0})
		if _, err := s.SetRoomMentions(ctx, r.ID, true); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKBatches", func(t *testing.T) {
		for _, careful := range []bool{false, true} {
			t.Run(fmt.Sprintf("careful=%v", careful), func(t *testing.T) {
				readAll(t, owner, bob, carol)
				msgs, created, err := s.CommitBatchCreated([]chat.NewMessage{
					{RoomID: r.ID, UserID: owner.ID, Body: "plain", ClientID: fmt.Sprintf("b1-%v", careful)},
					{RoomID: r.ID, UserID: owner.ID, Body: "@" + bob.Username, ClientID: fmt.Sprintf("b2-%v", careful)},
					{RoomID: r.ID, UserID: bob.ID, Body: "@room and @" + carol.Username, ClientID: fmt.Sprintf("b3-%v", careful)},
					{RoomID: r.ID, UserID: carol.ID, Body: "@" + owner.Username + " @" + bob.Username, ClientID: fmt.Sprintf("b4-%v", careful)},
				}, careful)
				if err != nil || !slices.Equal(created, []bool{true, true, true, true}) {
					t.Fatalf("batch: created %v, %v", created, err)
				}
				ownerBob := []int64{owner.ID, bob.ID}
				slices.Sort(ownerBob)
				switch {
				case msgs[0].Mentioned != nil || msgs[0].MentionsRoom:
					t.Errorf("plain message mentions %v room=%v", msgs[0].Mentioned, msgs[0].MentionsRoom)
				case !slices.Equal(msgs[1].Mentioned, []int64{bob.ID}):
					t.Errorf("second mentions %v, want bob", msgs[1].Mentioned)
				case !msgs[2].MentionsRoom || msgs[2].Mentioned != nil:
					t.Errorf("third mentions %v room=%v, want the room", msgs[2].Mentioned, msgs[2].MentionsRoom)
				case !slices.Equal(msgs[3].Mentioned, ownerBob):
					t.Errorf("fourth mentions %v, want %v", msgs[3].Mentioned, ownerBob)
				}
				// Each sender's marker moved past their own messages: the
				// owner has @room and a name after theirs, bob one name after
				// his, carol nothing after hers.
				counts(t, map[*chat.User]int64{owner: 2, bob: 1, carol: 0})
			})
		}
	})
	t.Run("ErrUnknownRoom", func(t *testing.T) {
		_, err := s.SetRoomMentions(ctx, r.ID+1000, false)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func toUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

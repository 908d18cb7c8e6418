package failovertest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/postgres"
)

// served runs read and says which server answered it, from the store's
// counters (nothing else reads through the store meanwhile).
func served(tb testing.TB, s *postgres.Store, read func() error) string {
	tb.Helper()
	before := s.ReplicaStats()
	if err := read(); err != nil {
		tb.Fatal(err)
	}
	after := s.ReplicaStats()
	switch {
	case after.ReplicaReads > before.ReplicaReads:
		return "replica"
	case after.PrimaryReads > before.PrimaryReads:
		return "primary"
	}
	return "none"
}

func bodies(msgs []chat.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Body
	}
	return out
}

func roomIDs(rooms []chat.Room) []int64 {
	out := make([]int64, len(rooms))
	for i, r := range rooms {
		out[i] = r.ID
	}
	return out
}

func TestReplicaStore(t *testing.T) {
	pr := startPair(t)
	_, store := openStore(t, pr, time.Minute)
	ctx := context.Background()
	mustUser := func(name string) *chat.User {
		u, err := store.CreateUser(ctx, name, "", "hash")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ann, bob := mustUser("ann"), mustUser("bob")
	general, err := store.CreateRoom(ctx, ann.ID, "general", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.CreateRoom(ctx, bob.ID, "other", "", chat.RoomPublic)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddMember(ctx, general.ID, bob.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	n := 0
	send := func(u *chat.User, room int64, body string) *chat.Message {
		t.Helper()
		n++
		m, _, err := store.SendMessage(ctx, chat.NewMessage{RoomID: room, UserID: u.ID, Body: body, ClientID: fmt.Sprintf("c%d", n)})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	history := func(u *chat.User, room int64) (msgs []chat.Message, by string) {
		t.Helper()
		by = served(t, store, func() (err error) {
			msgs, _, err = store.ListMessages(chat.ReadsMayLag(ctx, u.ID), room, chat.Page{})
			return err
		})
		return msgs, by
	}
	roomsOf := func(u *chat.User) (rooms []chat.Room, by string) {
		t.Helper()
		by = served(t, store, func() (err error) {
			rooms, err = store.UserRooms(chat.ReadsMayLag(ctx, u.ID), u.ID)
			return err
		})
		return rooms, by
	}
	send(ann, general.ID, "first")

	t.Run("Streaming", func(t *testing.T) {
		// Without a pause the replica catches up within a few samples and
		// then answers everyone, the writer included.
		eventually(t, 10*time.Second, "ann's history from the replica", func() bool {
			msgs, by := history(ann, general.ID)
			return by == "replica" && slices.Equal(bodies(msgs), []string{"first"})
		})
		eventually(t, 10*time.Second, "bob's rooms from the replica", func() bool {
			rooms, by := roomsOf(bob)
			return by == "replica" && len(rooms) == 2
		})
		if by := served(t, store, func() error {
			_, _, err := store.ListMessages(ctx, general.ID, chat.Page{})
			return err
		}); by != "primary" {
			t.Errorf("a read that says nothing went to the %s, want the primary", by)
		}
		st := store.ReplicaStats()
		t.Logf("replica at rest: lag %.0f ms, %d bytes", st.LagSeconds*1000, st.LagBytes)

		// A cache fill under versions first seen a moment ago reads the
		// primary; once the replica has passed that moment, a fill under
		// the same versions (another page size) reads the replica.
		c := cache.Wrap(store, inmem.NewCache(1<<20, nil), cache.Options{})
		fill := func(limit int) string {
			return served(t, store, func() error {
				msgs, _, err := c.ListMessages(chat.ReadsMayLag(ctx, bob.ID), general.ID, chat.Page{Limit: limit})
				if err == nil && !slices.Equal(bodies(msgs), []string{"first"}) {
					err = fmt.Errorf("cached page %q", bodies(msgs))
				}
				return err
			})
		}
		if by := fill(10); by != "primary" {
			t.Errorf("fill under new versions from the %s, want the primary", by)
		}
		limit := 11
		eventually(t, 10*time.Second, "a fill under known versions from the replica", func() bool {
			limit++
			return fill(limit) == "replica"
		})
	})

	t.Run("PausedReplay", func(t *testing.T) {
		pr.replica.Exec(t, `SELECT pg_wal_replay_pause()`)
		admin := openSQL(t, pr.replica.URL("postgres"))
		eventually(t, 10*time.Second, "replay paused", func() bool {
			var state string
			db := admin
			return db.QueryRow(`SELECT pg_get_wal_replay_pause_state()`).Scan(&state) == nil && state == "paused"
		})
		// A second store with a short lag bound: past it even reads that
		// tolerate lag leave the replica.
		_, strict := openStore(t, pr, 300*time.Millisecond)

		second := send(ann, general.ID, "second")
		send(ann, general.ID, "third")
		if _, err := store.EditMessage(chat.WithActor(ctx, ann.ID), general.ID, second.Seq, "second, edited"); err != nil {
			t.Fatal(err)
		}
		created, err := store.CreateRoom(ctx, ann.ID, "new", "", chat.RoomPrivate)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddMember(ctx, other.ID, ann.ID, chat.RoleMember); err != nil {
			t.Fatal(err)
		}
		if _, err := store.RemoveMember(ctx, general.ID, bob.ID); err != nil {
			t.Fatal(err)
		}

		want := []string{"first", "second, edited", "third"}
		msgs, by := history(ann, general.ID)
		if !slices.Equal(bodies(msgs), want) || by != "primary" {
			t.Errorf("ann's own history = %q from the %s, want %q from the primary", bodies(msgs), by, want)
		}
		rooms, by := roomsOf(ann)
		if got, want := roomIDs(rooms), []int64{general.ID, other.ID, created.ID}; !slices.Equal(got, want) || by != "primary" {
			t.Errorf("ann's rooms = %v from the %s, want %v from the primary", got, by, want)
		}
		rooms, by = roomsOf(bob)
		if got, want := roomIDs(rooms), []int64{other.ID}; !slices.Equal(got, want) || by != "primary" {
			t.Errorf("bob's rooms after leaving = %v from the %s, want %v from the primary", got, by, want)
		}
		// Nobody else's writes bind a reader who is not a member yet: a
		// third user reads the stale replica, which proves it serves.
		cat, err := store.CreateUser(ctx, "cat", "", "hash")
		if err != nil {
			t.Fatal(err)
		}
		msgs, by = history(cat, general.ID)
		if got := bodies(msgs); by != "replica" || !slices.Equal(got, []string{"first"}) {
			t.Errorf("cat's history = %q from the %s, want the stale [first] from the replica", got, by)
		}
		// A page before a seq the reader has seen must not have a hole.
		msgs, _, err = store.ListMessages(chat.ReadsMayLag(ctx, cat.ID), general.ID, chat.Page{BeforeSeq: 3})
		if err != nil || !slices.Equal(bodies(msgs), []string{"first", "second, edited"}) {
			t.Errorf("page before 3 = %q, %v; want it whole from the primary", bodies(msgs), err)
		}
		// Nor older than the room the reader was shown.
		room, err := store.FindRoom(ctx, general.ID)
		if err != nil {
			t.Fatal(err)
		}
		msgs, _, err = store.ListMessages(chat.SeenRoom(chat.ReadsMayLag(ctx, cat.ID), room), general.ID, chat.Page{})
		if err != nil || !slices.Equal(bodies(msgs), want) {
			t.Errorf("newest page after seeing the room = %q, %v; want %q", bodies(msgs), err, want)
		}

		// A shared cache in front: whoever fills it, it stores what the
		// primary says, since every later reader gets that answer.
		cached := cache.Wrap(store, inmem.NewCache(1<<20, nil), cache.Options{})
		msgs, _, err = cached.ListMessages(chat.ReadsMayLag(ctx, cat.ID), general.ID, chat.Page{})
		if err != nil || !slices.Equal(bodies(msgs), want) {
			t.Errorf("cached history = %q, %v; want %q", bodies(msgs), err, want)
		}

		eventually(t, 10*time.Second, "the strict store giving up on the paused replica", func() bool {
			return served(t, strict, func() error {
				_, _, err := strict.ListMessages(chat.ReadsMayLag(ctx, cat.ID), general.ID, chat.Page{})
				return err
			}) == "primary"
		})
		if st := store.ReplicaStats(); st.LagBytes <= 0 || !st.Up {
			t.Errorf("stats while paused = %+v, want up with a positive byte lag", st)
		}

		pr.replica.Exec(t, `SELECT pg_wal_replay_resume()`)
		eventually(t, 10*time.Second, "cat's history converging on the replica", func() bool {
			msgs, by := history(cat, general.ID)
			return by == "replica" && slices.Equal(bodies(msgs), want)
		})
		eventually(t, 10*time.Second, "ann's reads back on the replica", func() bool {
			rooms, by := roomsOf(ann)
			return by == "replica" && len(rooms) == 3
		})
	})

	t.Run("ReplicaDown", func(t *testing.T) {
		pr.replica.Stop(t, false)
		// Reads that could use it still answer, from the primary.
		eventually(t, 10*time.Second, "the replica seen down", func() bool { return !store.ReplicaStats().Up })
		msgs, by := history(bob, other.ID)
		if by != "primary" || len(msgs) != 0 {
			t.Errorf("history with the replica down = %q from the %s", bodies(msgs), by)
		}
		pr.replica.Start(t)
		eventually(t, 30*time.Second, "reads back on the replica", func() bool {
			_, by := history(bob, other.ID)
			return by == "replica"
		})
	})
}

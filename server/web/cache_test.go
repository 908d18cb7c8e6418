package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
)

// replica is one server with its own pool and cached store, sharing the
// database and Valkey with the others, as replicas do.
type replica struct {
	*testEnv
	db *postgres.DB
}

func newCachedReplicas(t *testing.T, n int) []replica {
	t.Helper()
	dsn := testenv.NewDatabase(t)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	var out []replica
	for i := 0; i < n; i++ {
		db, err := postgres.Open(context.Background(), postgres.Options{URL: dsn, MaxOpenConns: 4, MaxIdleConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		store := postgres.NewStore(db, postgres.StoreOptions{})
		t.Cleanup(func() { _ = store.Close() })
		client := testenv.NewClient(t, testenv.RedisAddr)
		c := valkeystore.NewCache(client, valkeystore.CacheOptions{Prefix: prefix})
		out = append(out, replica{testEnv: newEnvOn(t, cache.Wrap(store, c, cache.Options{})), db: db})
	}
	return out
}

// TestCachedReplicas checks, over HTTP, that two replicas with Valkey
// caches never answer stale after a write on the other one returned, and
// that a conditional GET that still matches costs no PostgreSQL query.
func TestCachedReplicas(t *testing.T) {
	rs := newCachedReplicas(t, 2)
	a, b := rs[0], rs[1]
	alice := a.signUp("cachealice")
	bob := a.signUp("cachebob")
	room := a.createRoom(alice, "Cached", chat.RoomPublic)
	path := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)

	t.Run("ReadYourWritesAcrossReplicas", func(t *testing.T) {
		first := b.expect(req{method: "GET", path: "/api/v1/rooms", token: alice.token}, 200)
		b.expect(req{method: "GET", path: "/api/v1/rooms", token: alice.token, header: map[string]string{"If-None-Match": first.header.Get("ETag")}}, 304)
		a.createRoom(alice, "Another", chat.RoomPublic)
		var out struct {
			Rooms []chat.Room `json:"rooms"`
		}
		b.expect(req{method: "GET", path: "/api/v1/rooms", token: alice.token, header: map[string]string{"If-None-Match": first.header.Get("ETag")}}, 200).decode(t, &out)
		if len(out.Rooms) != 2 {
			t.Fatalf("replica B lists %d rooms after replica A created one, want 2", len(out.Rooms))
		}
		for i := 1; i <= 5; i++ {
			a.send(alice, room.ID, fmt.Sprintf("m%d", i), fmt.Sprintf("c%d", i))
			msgs, _ := b.messages(alice, room.ID, "")
			if len(msgs) != i || msgs[i-1].Body != fmt.Sprintf("m%d", i) {
				t.Fatalf("after send %d replica B shows %d messages", i, len(msgs))
			}
		}
		a.expect(req{method: "PATCH", path: path + "/5", token: alice.token, body: map[string]string{"body": "edited"}}, 200)
		if msgs, _ := b.messages(alice, room.ID, ""); msgs[4].Body != "edited" {
			t.Fatalf("replica B shows %q after the edit", msgs[4].Body)
		}
	})

	t.Run("NoCrossUserLeak", func(t *testing.T) {
		var mine, theirs struct {
			Rooms []chat.Room `json:"rooms"`
		}
		b.expect(req{method: "GET", path: "/api/v1/rooms", token: alice.token}, 200).decode(t, &mine)
		b.expect(req{method: "GET", path: "/api/v1/rooms", token: bob.token}, 200).decode(t, &theirs)
		if len(mine.Rooms) == 0 || len(theirs.Rooms) != 0 {
			t.Fatalf("alice sees %d rooms, bob %d (bob belongs to none)", len(mine.Rooms), len(theirs.Rooms))
		}
		secret := a.createRoom(alice, "Secret", chat.RoomPrivate)
		a.send(alice, secret.ID, "hidden", "s1")
		a.messages(alice, secret.ID, "")
		b.messages(alice, secret.ID, "")
		b.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages", secret.ID), token: bob.token}, 404)
	})

	t.Run("NotModifiedWithoutPostgres", func(t *testing.T) {
		res := b.expect(req{method: "GET", path: path + "?after_seq=5", token: alice.token}, 200)
		etag := res.header.Get("ETag")
		b.expect(req{method: "GET", path: path + "?after_seq=5", token: alice.token, header: map[string]string{"If-None-Match": etag}}, 304)
		before := b.db.QueryCount()
		for i := 0; i < 20; i++ {
			b.expect(req{method: "GET", path: path + "?after_seq=5", token: alice.token, header: map[string]string{"If-None-Match": etag}}, 304)
		}
		if got := b.db.QueryCount() - before; got != 0 {
			t.Fatalf("20 conditional GETs answered 304 with %d PostgreSQL queries, want 0", got)
		}
		a.send(alice, room.ID, "new", "c6")
		b.expect(req{method: "GET", path: path + "?after_seq=5", token: alice.token, header: map[string]string{"If-None-Match": etag}}, 200)
	})

	t.Run("LogoutOnEveryReplicaAtOnce", func(t *testing.T) {
		carol := a.signUp("cachecarol")
		b.expect(req{method: "GET", path: "/api/v1/me", token: carol.token}, 200)
		a.expect(req{method: "POST", path: "/api/v1/auth/logout", token: carol.token}, 204)
		b.expect(req{method: "GET", path: "/api/v1/me", token: carol.token}, 401)
	})
}

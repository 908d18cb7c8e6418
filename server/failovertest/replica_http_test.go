package failovertest_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// replicaServer runs parley on the pair, its reads allowed on the replica.
func replicaServer(tb testing.TB, pr pair, extra ...string) *testenv.Server {
	tb.Helper()
	env := append([]string{"DATABASE_READ_URL=" + pr.readDSN, "PARLEY_DB_REPLICA_MAX_LAG=1m",
		"PARLEY_REGISTER_RATE=0", "PARLEY_AUTH_RATE=0", "PARLEY_ANON_RATE=0", "PARLEY_SEND_RATE=0",
		"PARLEY_LOG_LEVEL=warn"}, extra...)
	return testenv.RunServer(tb, testenv.ServerOptions{Binary: testenv.Parley(tb), DatabaseURL: pr.dsn, Env: env})
}

const replicaReads = `parley_db_reads_total{target="replica"}`

func TestReplicaHTTP(t *testing.T) {
	pr := startPair(t)
	// Without the response cache every read reaches the store, so where it
	// went shows in the metric; the second server keeps the cache on.
	plain := replicaServer(t, pr, "PARLEY_CACHE=off")
	cached := replicaServer(t, pr)

	ann, _ := register(t, plain.URL, "ann")
	bob, _ := register(t, plain.URL, "bob")
	general := ann.createRoom(t, "general", "public")
	spare := ann.createRoom(t, "spare", "public")
	other := bob.createRoom(t, "other", "public")
	bob.must(t, http.StatusOK, "POST", fmt.Sprintf("/api/v1/rooms/%d/join", general.ID), nil, nil)
	ann.send(t, general.ID, "first", "a1")
	bob.send(t, other.ID, "hello", "b1")

	t.Run("Streaming", func(t *testing.T) {
		eventually(t, 10*time.Second, "bob's rooms from the replica", func() bool {
			before := metric(t, plain.AdminURL, replicaReads)
			rooms := roomNames(bob.rooms(t))
			return slices.Equal(rooms, []string{"general:1", "other:1"}) && metric(t, plain.AdminURL, replicaReads) > before
		})
		if up := metric(t, plain.AdminURL, "parley_db_replica_up"); up != 1 {
			t.Errorf("parley_db_replica_up = %v", up)
		}
	})

	t.Run("PausedReplay", func(t *testing.T) {
		pr.replica.Exec(t, `SELECT pg_wal_replay_pause()`)
		admin := openSQL(t, pr.replica.URL("postgres"))
		eventually(t, 10*time.Second, "replay paused", func() bool {
			var state string
			return admin.QueryRow(`SELECT pg_get_wal_replay_pause_state()`).Scan(&state) == nil && state == "paused"
		})

		second := ann.send(t, general.ID, "second", "a2")
		ann.send(t, general.ID, "third", "a3")
		ann.must(t, http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/rooms/%d/messages/%d", general.ID, second.Seq), map[string]string{"body": "second, edited"}, nil)
		ann.createRoom(t, "new", "private")
		ann.must(t, http.StatusOK, "POST", fmt.Sprintf("/api/v1/rooms/%d/join", other.ID), nil, nil)
		ann.must(t, http.StatusNoContent, "POST", fmt.Sprintf("/api/v1/rooms/%d/leave", spare.ID), nil, nil)

		want := []string{"first", "second, edited", "third"}
		wantRooms := []string{"general:3", "other:1", "new:0"} // by id
		for _, srv := range []*testenv.Server{plain, cached} {
			a := ann.on(srv.URL)
			if got := a.history(t, general.ID); !slices.Equal(got, want) {
				t.Errorf("%s: ann's history = %q, want %q", srv.URL, got, want)
			}
			if got := roomNames(a.rooms(t)); !slices.Equal(got, wantRooms) {
				t.Errorf("%s: ann's rooms = %q, want %q", srv.URL, got, wantRooms)
			}
			// Bob sees the room's history as new as the room he is shown.
			if got := bob.on(srv.URL).history(t, general.ID); !slices.Equal(got, want) {
				t.Errorf("%s: bob's history = %q, want %q", srv.URL, got, want)
			}
		}
		// Bob wrote nothing since: his room list may lag, and does, which
		// shows the replica answering.
		before := metric(t, plain.AdminURL, replicaReads)
		if got, stale := roomNames(bob.rooms(t)), []string{"general:1", "other:1"}; !slices.Equal(got, stale) {
			t.Errorf("bob's rooms while replay is paused = %q, want the replica's %q", got, stale)
		}
		if after := metric(t, plain.AdminURL, replicaReads); after <= before {
			t.Errorf("replica reads %v → %v: bob's room list did not come from the replica", before, after)
		}
		if lag := metric(t, plain.AdminURL, "parley_db_replica_lag_bytes"); lag <= 0 {
			t.Errorf("parley_db_replica_lag_bytes = %v while replay is paused", lag)
		}

		pr.replica.Exec(t, `SELECT pg_wal_replay_resume()`)
		eventually(t, 10*time.Second, "bob's rooms converging on the replica", func() bool {
			before := metric(t, plain.AdminURL, replicaReads)
			got := roomNames(bob.rooms(t))
			return slices.Equal(got, []string{"general:3", "other:1"}) && metric(t, plain.AdminURL, replicaReads) > before
		})
		eventually(t, 10*time.Second, "ann's reads back on the replica", func() bool {
			before := metric(t, plain.AdminURL, replicaReads)
			got := ann.history(t, general.ID)
			return slices.Equal(got, want) && metric(t, plain.AdminURL, replicaReads) > before
		})
	})
}

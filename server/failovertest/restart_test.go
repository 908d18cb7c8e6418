package failovertest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// sendHTTP posts a message and classifies the answer: "acked" (201, or 200
// for a client_id already stored), "unavailable" (503 with that code), or
// the unexpected status.
func sendHTTP(tb testing.TB, c *client, room int64, body, clientID string) string {
	tb.Helper()
	b, _ := json.Marshal(map[string]string{"body": body, "client_id": clientID})
	req, err := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/rooms/%d/messages", c.base, room), bytesReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		tb.Fatalf("send %s: %v", clientID, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(raw, &e)
	switch {
	case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
		return "acked"
	case resp.StatusCode == http.StatusServiceUnavailable && e.Error.Code == "unavailable" && resp.Header.Get("Retry-After") != "":
		return "unavailable"
	}
	return fmt.Sprintf("status %d: %s", resp.StatusCode, raw)
}

func TestPrimaryRestart(t *testing.T) {
	// Immediate is a crash (clients cut off, WAL replayed at start); fast
	// ends every session with admin_shutdown first.
	t.Run("Immediate", func(t *testing.T) { restartUnderSends(t, true) })
	t.Run("Fast", func(t *testing.T) { restartUnderSends(t, false) })
}

// restartUnderSends stops a private primary under socket and API sends,
// starts it again, and checks what the sender was told against what was
// stored.
func restartUnderSends(t *testing.T, immediate bool) {
	pg := testenv.StartPGPrimary(t)
	dsn := pg.CreateDatabase(t)
	srv := testenv.RunServer(t, testenv.ServerOptions{Binary: testenv.Parley(t), DatabaseURL: dsn, Env: []string{
		"PARLEY_REGISTER_RATE=0", "PARLEY_AUTH_RATE=0", "PARLEY_ANON_RATE=0", "PARLEY_SEND_RATE=0",
		"PARLEY_REQUEST_TIMEOUT=3s", "PARLEY_LOG_LEVEL=warn",
	}})
	ann, _ := register(t, srv.URL, "ann")
	room := ann.createRoom(t, "general", "public")
	ws, err := dial(t, ann)
	if err != nil {
		t.Fatal(err)
	}

	acked := map[string]bool{}       // client ids the server promised
	unavailable := map[string]bool{} // client ids it refused with unavailable
	n := 0
	sendBoth := func() (wsOutcome, httpOutcome string) {
		t.Helper()
		n++
		id := fmt.Sprintf("w%d", n)
		wsOutcome = "closed"
		if ws != nil {
			if f, ok := ws.send(room.ID, "socket "+id, id); !ok {
				ws = nil // the hub may drop sockets it cannot check; reopened later
			} else if f.Type == "ack" {
				wsOutcome, acked[id] = "acked", true
			} else if f.Code == "unavailable" {
				wsOutcome, unavailable[id] = "unavailable", true
			} else {
				t.Fatalf("socket send %s answered %+v", id, f)
			}
		}
		id = fmt.Sprintf("h%d", n)
		httpOutcome = sendHTTP(t, ann, room.ID, "http "+id, id)
		switch httpOutcome {
		case "acked":
			acked[id] = true
		case "unavailable":
			unavailable[id] = true
		default:
			t.Fatalf("http send %s: %s", id, httpOutcome)
		}
		return wsOutcome, httpOutcome
	}
	if w, h := sendBoth(); w != "acked" || h != "acked" {
		t.Fatalf("sends before the stop: socket %s, http %s", w, h)
	}

	pg.Stop(t, immediate)
	// While it is down: readiness says so, and sends are refused as
	// unavailable (never acked: the socket's and the API's alike).
	// It stays down for a couple of seconds at least, sends every 100 ms,
	// so that the pools meet refused connections more than once.
	sawNotReady, sawWS, sawHTTP := false, false, false
	stopped := time.Now()
	deadline := stopped.Add(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !(sawNotReady && sawHTTP && (sawWS || ws == nil)) || time.Since(stopped) < 2*time.Second {
		<-tick.C
		if time.Now().After(deadline) {
			t.Fatalf("while down: not ready %v, socket unavailable %v, http unavailable %v", sawNotReady, sawWS, sawHTTP)
		}
		w, h := sendBoth()
		if w == "acked" || h == "acked" {
			t.Fatalf("a send was acked with PostgreSQL stopped (socket %s, http %s)", w, h)
		}
		sawWS = sawWS || w == "unavailable"
		sawHTTP = sawHTTP || h == "unavailable"
		sawNotReady = sawNotReady || readyStatus(srv.URL) == http.StatusServiceUnavailable
	}

	pg.Start(t)
	eventually(t, 30*time.Second, "/readyz back to 200", func() bool { return readyStatus(srv.URL) == http.StatusOK })
	// Parley was not restarted: its pools (the committer's prepared
	// statement included) must work again from the first send on.
	if ws == nil {
		if ws, err = dial(t, ann); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if w, h := sendBoth(); w != "acked" || h != "acked" {
			t.Fatalf("sends after the restart: socket %s, http %s", w, h)
		}
	}
	// A refused send retried with its client_id is stored exactly once.
	for id := range unavailable {
		if got := sendHTTP(t, ann, room.ID, "retry "+id, id); got != "acked" {
			t.Fatalf("retry of %s: %s", id, got)
		}
	}

	db := openSQL(t, dsn)
	rows, err := db.Query(`SELECT client_id, count(*) FROM messages WHERE room_id = $1 GROUP BY client_id`, room.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]int{}
	for rows.Next() {
		var id string
		var c int
		if err := rows.Scan(&id, &c); err != nil {
			t.Fatal(err)
		}
		stored[id] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id := range acked {
		if stored[id] != 1 {
			t.Errorf("acked %s stored %d times, want once", id, stored[id])
		}
	}
	for id := range unavailable {
		if stored[id] != 1 {
			t.Errorf("refused %s stored %d times after its retry, want once", id, stored[id])
		}
	}
	if len(stored) != len(acked)+len(unavailable) {
		t.Errorf("%d client ids stored, want %d acked + %d retried", len(stored), len(acked), len(unavailable))
	}
	var count, maxSeq int64
	if err := db.QueryRow(`SELECT count(*), coalesce(max(seq), 0) FROM messages WHERE room_id = $1`, room.ID).Scan(&count, &maxSeq); err != nil {
		t.Fatal(err)
	}
	if count != maxSeq {
		t.Errorf("%d messages up to seq %d: the seqs have a gap", count, maxSeq)
	}
	t.Logf("%d sends acked, %d refused as unavailable while PostgreSQL was down", len(acked), len(unavailable))
}

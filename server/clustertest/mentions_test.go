package clustertest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// mentionRoom is a room as the caller's room list shows it.
type mentionRoom struct {
	ID       int64  `json:"id"`
	LastSeq  int64  `json:"last_seq"`
	Unread   *int64 `json:"unread"`
	Mentions *int64 `json:"mentions"`
}

// listEntry returns roomID's entry of a's room list, or ok=false when the
// answer was 304 for etag.
func (a *apiClient) listEntry(tb testing.TB, roomID int64, etag string) (r mentionRoom, newTag string, ok bool) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, a.base+"/api/v1/rooms", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		tb.Fatalf("%s: GET /api/v1/rooms: %v", a.name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return r, etag, false
	}
	var out struct {
		Rooms []mentionRoom `json:"rooms"`
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: GET /api/v1/rooms = %d", a.name, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("%s: decode the room list: %v", a.name, err)
	}
	for _, room := range out.Rooms {
		if room.ID == roomID {
			return room, resp.Header.Get("ETag"), true
		}
	}
	tb.Fatalf("%s: room %d not in the list %+v", a.name, roomID, out.Rooms)
	return r, "", false
}

// nextMention reads s up to its next mention event; messages of the room
// seen on the way are counted in seen.
func nextMention(tb testing.TB, s *socket, seen map[int64]bool) event {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e := s.next(tb, time.Until(deadline))
		switch e.Type {
		case "mention":
			return e
		case "message":
			seen[e.Message.Seq] = true
		case "error":
			tb.Fatalf("error event %q: %s", e.Code, e.Text)
		}
	}
}

// TestMentionsTwoReplicas runs two real replicas on one database and one
// Valkey prefix: a mention sent through one reaches the mentioned user's
// socket on the other, and their room list there, through its cache.
func TestMentionsTwoReplicas(t *testing.T) {
	bin := testenv.Parley(t)
	dsn := testenv.NewDatabase(t)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	var replicas [2]*testenv.Server
	for i := range replicas {
		replicas[i] = testenv.RunServer(t, testenv.ServerOptions{
			Binary: bin, DatabaseURL: dsn,
			Env: append([]string{
				fmt.Sprintf("PARLEY_INSTANCE=mention-%d", i),
				"VALKEY_URL=redis://" + testenv.RedisAddr + "/0",
				"PARLEY_KEY_PREFIX=" + prefix,
				"PARLEY_REGISTER_RATE=0",
			}, replicaEnv...),
		})
	}
	run := time.Now().UnixNano() % 1_000_000
	client := func(i int, name string) *apiClient {
		a := newAPIClient(t, replicas[i].URL, "127.0.0.1", name)
		a.register(t, fmt.Sprintf("%s%d", name, run))
		return a
	}
	alice, bob, carol := client(0, "alice"), client(1, "bob"), client(0, "carol")
	var created struct {
		Room apiRoom `json:"room"`
	}
	alice.call(t, http.MethodPost, "/api/v1/rooms", map[string]string{"name": "mentions", "kind": "private"}, &created)
	room := created.Room
	for _, who := range []*apiClient{bob, carol} {
		alice.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/members", room.ID), map[string]int64{"user_id": who.user.ID}, nil)
	}
	bobSocket, carolSocket := bob.connect(t), carol.connect(t)
	bobSocket.ready(t)
	carolSocket.ready(t)
	// Twice: the first read after a join only learns the rooms.
	bob.listEntry(t, room.ID, "")
	before, etag, _ := bob.listEntry(t, room.ID, "")
	if *before.Mentions != 0 {
		t.Fatalf("bob starts with %d mentions", *before.Mentions)
	}
	send := func(from *apiClient, body, clientID string) apiMessage {
		var out struct {
			Message apiMessage `json:"message"`
		}
		from.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), map[string]string{"body": body, "client_id": clientID}, &out)
		return out.Message
	}

	t.Run("OKSocketOnTheOtherReplica", func(t *testing.T) {
		body := "@" + bob.user.Username + " can you look?"
		m := send(alice, body, "m1")
		seen := map[int64]bool{}
		e := nextMention(t, bobSocket, seen)
		if e.RoomID != room.ID || e.Seq != m.Seq || e.Message == nil || e.Message.Body != body || e.Message.User.ID != alice.user.ID {
			t.Fatalf("bob's mention %+v (message %+v), want room %d seq %d from alice", e, e.Message, room.ID, m.Seq)
		}
		if bobSocket.instance != "mention-1" {
			t.Fatalf("bob's socket is on %q, want mention-1", bobSocket.instance)
		}
	})
	t.Run("OKRoomListOnTheOtherReplica", func(t *testing.T) {
		got, etag2, ok := bob.listEntry(t, room.ID, etag)
		if !ok || etag2 == etag {
			t.Fatalf("bob's list answered 304 or the same ETag after a mention")
		}
		if *got.Mentions != 1 || *got.Unread != 1 {
			t.Fatalf("bob's room shows mentions %d unread %d, want 1 and 1", *got.Mentions, *got.Unread)
		}
		if _, _, ok := bob.listEntry(t, room.ID, etag2); ok {
			t.Fatal("asking again with the new ETag answered 200, want 304")
		}
		bob.call(t, http.MethodPost, fmt.Sprintf("/api/v1/rooms/%d/read", room.ID), map[string]int64{"seq": got.LastSeq}, nil)
		read, _, ok := bob.listEntry(t, room.ID, etag2)
		if !ok || *read.Mentions != 0 || *read.Unread != 0 {
			t.Fatalf("after reading bob's room shows %+v (fresh %v), want mentions 0", read, ok)
		}
	})
	t.Run("OKOnlyTheMentionedUser", func(t *testing.T) {
		// Carol heard the first message but no mention: the first she
		// gets is the one naming her.
		body := "and @" + carol.user.Username
		m := send(bob, body, "m2")
		seen := map[int64]bool{}
		e := nextMention(t, carolSocket, seen)
		if e.Seq != m.Seq || e.Message.Body != body {
			t.Fatalf("carol's first mention is seq %d %q, want seq %d", e.Seq, e.Message.Body, m.Seq)
		}
		if !seen[m.Seq-1] {
			t.Fatalf("carol saw messages %v before her mention, want seq %d among them", seen, m.Seq-1)
		}
	})
	t.Run("OKRoomMentionOnBothReplicas", func(t *testing.T) {
		m := send(carol, "@room release at five", "m3")
		if e := nextMention(t, bobSocket, map[int64]bool{}); e.Seq != m.Seq {
			t.Fatalf("bob's mention is of seq %d, want %d", e.Seq, m.Seq)
		}
		for _, who := range []*apiClient{alice, bob} {
			if got, _, _ := who.listEntry(t, room.ID, ""); *got.Mentions != 1 {
				t.Errorf("%s has %d mentions after @room, want 1", who.name, *got.Mentions)
			}
		}
		if got, _, _ := carol.listEntry(t, room.ID, ""); *got.Mentions != 0 {
			t.Errorf("carol, who wrote @room, has %d mentions, want 0", *got.Mentions)
		}
	})
}

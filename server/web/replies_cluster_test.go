package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/cache"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
	"github.com/parleychat/parley/server/valkeystore"
	"github.com/parleychat/parley/server/web"
)

// liveReplica is one whole server of a cluster: its own pools, cache,
// hub and HTTP listener, sharing PostgreSQL and Valkey (cache, fan-out and
// presence) with the others.
type liveReplica struct {
	*testEnv
	db   *postgres.DB
	base string
}

func newLiveReplicas(t *testing.T, n int) []liveReplica {
	t.Helper()
	dsn := testenv.NewDatabase(t)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	quiet := slog.New(slog.DiscardHandler)
	var out []liveReplica
	for range n {
		db, store := testenv.OpenURL(t, dsn, postgres.StoreOptions{})
		c := valkeystore.NewCache(testenv.NewClient(t, testenv.RedisAddr), valkeystore.CacheOptions{Prefix: prefix})
		stores := cache.Wrap(store, c, cache.Options{})
		a := app.New(app.Options{Users: stores, Sessions: stores, Rooms: stores, Messages: stores, Passwords: cheapPasswords})
		client := testenv.NewUncachedClient(t, testenv.RedisAddr)
		h := hub.New(hub.Options{
			Broker:   valkeystore.NewBroker(client, prefix, quiet),
			Presence: valkeystore.NewPresence(client, prefix, 0, quiet),
			Logger:   quiet,
		})
		a.SetNotifier(h)
		a.SetPresence(h)
		ctx, cancel := context.WithCancel(context.Background())
		runDone := make(chan struct{})
		go func() {
			defer close(runDone)
			_ = h.Run(ctx)
		}()
		srv, err := web.New(web.Options{App: a, WebSocket: h.Handler(a), Instance: fmt.Sprintf("r%d", len(out))})
		if err != nil {
			t.Fatal(err)
		}
		e := &testEnv{t: t, srv: srv}
		base := e.serve(t)
		t.Cleanup(func() {
			sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer scancel()
			_ = h.Shutdown(sctx)
			cancel()
			<-runDone
		})
		deadline := time.Now().Add(10 * time.Second)
		for h.Check(context.Background()) != nil {
			if time.Now().After(deadline) {
				t.Fatal("hub's broker not ready")
			}
			time.Sleep(20 * time.Millisecond)
		}
		out = append(out, liveReplica{testEnv: e, db: db, base: base})
	}
	return out
}

// liveSocket is a signed-in WebSocket whose events are read into a channel.
type liveSocket struct {
	t      *testing.T
	conn   *websocket.Conn
	events chan map[string]json.RawMessage
}

func (r liveReplica) connect(t *testing.T, a account) *liveSocket {
	t.Helper()
	conn, res, err := (&websocket.Dialer{HandshakeTimeout: 5 * time.Second}).Dial("ws"+strings.TrimPrefix(r.base, "http")+"/ws?token="+a.token, nil)
	if res != nil {
		res.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &liveSocket{t: t, conn: conn, events: make(chan map[string]json.RawMessage, 1000)}
	go func() {
		defer close(s.events)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var ev map[string]json.RawMessage
			if json.Unmarshal(data, &ev) == nil {
				s.events <- ev
			}
		}
	}()
	s.next("ready", func(map[string]json.RawMessage) bool { return true })
	return s
}

func (s *liveSocket) send(v any) {
	s.t.Helper()
	if err := s.conn.WriteJSON(v); err != nil {
		s.t.Fatalf("write: %v", err)
	}
}

// next waits for the first event of type typ that match accepts.
func (s *liveSocket) next(typ string, match func(map[string]json.RawMessage) bool) map[string]json.RawMessage {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("socket closed while waiting for %s", typ)
			}
			var got string
			_ = json.Unmarshal(ev["type"], &got)
			if got == typ && match(ev) {
				return ev
			}
		case <-timeout:
			s.t.Fatalf("no %s event within 10s", typ)
		}
	}
}

// message waits for the live message with seq.
func (s *liveSocket) message(seq int64) chat.Message {
	s.t.Helper()
	var m chat.Message
	s.next("message", func(ev map[string]json.RawMessage) bool {
		return json.Unmarshal(ev["message"], &m) == nil && m.Seq == seq
	})
	return m
}

// TestRepliesTwoReplicas runs two whole servers over one database and one
// Valkey: a reply made through one is delivered live by the other and
// shows in the other's cached reads (the thread and the parent's counter
// in history) at once, while reads that did not change stay answered by
// 304 without a query.
func TestRepliesTwoReplicas(t *testing.T) {
	rs := newLiveReplicas(t, 2)
	a, b := rs[0], rs[1]
	alice, bob := a.signUp("livealice"), a.signUp("livebob")
	room := a.createRoom(alice, "Live", chat.RoomPrivate)
	a.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/members", room.ID), token: alice.token, body: map[string]int64{"user_id": bob.user.ID}}, 200)
	parent := a.send(alice, room.ID, "what do you think?", "live-parent")
	for i := range 3 {
		a.send(alice, room.ID, "more", fmt.Sprintf("live-more-%d", i))
	}
	threadPath := fmt.Sprintf("/api/v1/rooms/%d/messages/%d/replies", room.ID, parent.Seq)
	pagePath := fmt.Sprintf("/api/v1/rooms/%d/messages?before_seq=%d&limit=2", room.ID, parent.Seq+1)
	aliceOnB := b.connect(t, alice)
	bobOnA := a.connect(t, bob)

	// Warm replica B's cache; both reads answer 304 on their ETag.
	thread := b.expect(req{method: "GET", path: threadPath, token: alice.token}, 200)
	page := b.expect(req{method: "GET", path: pagePath, token: alice.token}, 200)
	cond := func(path, etag string) req {
		return req{method: "GET", path: path, token: alice.token, header: map[string]string{"If-None-Match": etag}}
	}
	b.expect(cond(threadPath, thread.header.Get("ETag")), 304)

	t.Run("OKReplyOverHTTPSeenLiveAndCachedOnTheOther", func(t *testing.T) {
		res := a.replyAs(bob, room.ID, parent.Seq, "over HTTP on A", "live-r1")
		var out struct {
			Message chat.Message `json:"message"`
		}
		res.decode(t, &out)
		if res.status != 201 {
			t.Fatalf("reply: %d %s", res.status, res.body)
		}
		live := aliceOnB.message(out.Message.Seq)
		if live.ReplyTo != parent.Seq || live.ReplyNumber != 1 || live.Body != "over HTTP on A" {
			t.Fatalf("alice on B got %+v, want reply 1 to %d", live, parent.Seq)
		}
		got := b.expect(cond(threadPath, thread.header.Get("ETag")), 200)
		var replies struct {
			Messages []chat.Message `json:"messages"`
		}
		got.decode(t, &replies)
		if len(replies.Messages) != 1 || replies.Messages[0].Seq != out.Message.Seq {
			t.Fatalf("thread on B after the reply: %s", got.body)
		}
		var hist struct {
			Messages []chat.Message `json:"messages"`
		}
		b.expect(cond(pagePath, page.header.Get("ETag")), 200).decode(t, &hist)
		if p := hist.Messages[len(hist.Messages)-1]; p.Seq != parent.Seq || p.ReplyCount != 1 || p.LastReplyAt == nil {
			t.Fatalf("parent in B's history %+v, want reply_count 1", p)
		}
		thread = got
	})

	t.Run("OKReplyOverSocketSeenLiveOnTheOther", func(t *testing.T) {
		aliceOnB.send(map[string]any{"type": "send", "room_id": room.ID, "body": "over the socket on B", "client_id": "live-r2", "reply_to": parent.Seq})
		var acked chat.Message
		aliceOnB.next("ack", func(ev map[string]json.RawMessage) bool {
			return json.Unmarshal(ev["message"], &acked) == nil && acked.ClientID == "live-r2"
		})
		if acked.ReplyTo != parent.Seq || acked.ReplyNumber != 2 {
			t.Fatalf("ack %+v, want reply 2 to %d", acked, parent.Seq)
		}
		live := bobOnA.message(acked.Seq)
		if live.ReplyTo != parent.Seq || live.ReplyNumber != 2 {
			t.Fatalf("bob on A got %+v", live)
		}
		// Replica A's cached thread shows it too.
		msgs, _ := a.replies(bob, room.ID, parent.Seq, "")
		if len(msgs) != 2 || msgs[1].Seq != acked.Seq {
			t.Fatalf("thread on A: %v", seqsOf(msgs))
		}
	})

	t.Run("OKUnrelatedMessageKeepsThreadCached", func(t *testing.T) {
		cur := b.expect(req{method: "GET", path: threadPath, token: alice.token}, 200)
		etag := cur.header.Get("ETag")
		plain := a.send(bob, room.ID, "not in the thread", "live-plain")
		aliceOnB.message(plain.Seq)
		// The send moved the room: its first read loads it again, once.
		b.expect(cond(threadPath, etag), 304)
		before := b.db.QueryCount()
		for range 10 {
			b.expect(cond(threadPath, etag), 304)
		}
		if n := b.db.QueryCount() - before; n != 0 {
			t.Fatalf("10 conditional GETs of a quiet thread made %d queries on B, want 0", n)
		}
	})

	t.Run("ErrSocketReplyRefused", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			replyTo any
		}{{"Zero", 0}, {"Negative", -1}, {"NoSuchMessage", 9999}, {"Text", "x"}} {
			id := "live-bad-" + c.name
			aliceOnB.send(map[string]any{"type": "send", "room_id": room.ID, "body": "x", "client_id": id, "reply_to": c.replyTo})
			ev := aliceOnB.next("error", func(ev map[string]json.RawMessage) bool { return string(ev["client_id"]) == `"`+id+`"` })
			if string(ev["code"]) != `"invalid"` || string(ev["field"]) != `"reply_to"` {
				t.Fatalf("%s: error %s %s, want invalid reply_to", c.name, ev["code"], ev["field"])
			}
		}
	})
}

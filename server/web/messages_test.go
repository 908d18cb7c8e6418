package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/postgres"
	"github.com/parleychat/parley/server/testenv"
)

func TestMessages(t *testing.T) {
	e := newEnv(t)
	owner, member, outsider := e.signUp("mowner"), e.signUp("mmember"), e.signUp("mout")
	room := e.createRoom(owner, "Talk", chat.RoomPublic)
	e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: member.token}, 200)
	path := fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID)

	t.Run("SendIsIdempotentOnClientID", func(t *testing.T) {
		body := `<b>"exact" & raw</b> 🎉`
		first := e.expect(req{method: "POST", path: path, token: member.token, body: map[string]string{"body": body, "client_id": "same-1"}}, 201)
		second := e.expect(req{method: "POST", path: path, token: member.token, body: map[string]string{"body": body, "client_id": "same-1"}}, 200)
		var a, b struct {
			Message chat.Message `json:"message"`
		}
		first.decode(t, &a)
		second.decode(t, &b)
		if a.Message.ID != b.Message.ID || a.Message.Seq != 1 || b.Message.Seq != 1 {
			t.Fatalf("retry gave %+v after %+v", b.Message, a.Message)
		}
		if a.Message.Body != body || !strings.Contains(string(first.body), `<b>"exact" & raw</b>`[:3]) {
			t.Errorf("body not returned exactly: %s", first.body)
		}
		if a.Message.User.ID != member.user.ID || a.Message.ClientID != "same-1" || a.Message.Deleted || a.Message.CreatedAt.IsZero() {
			t.Errorf("message fields %+v", a.Message)
		}
		if next := e.send(owner, room.ID, "next", "other-1"); next.Seq != 2 {
			t.Errorf("next seq = %d, want 2 (a retry must not burn a seq)", next.Seq)
		}
	})

	t.Run("ErrSendFields", func(t *testing.T) {
		for _, c := range []struct {
			body  map[string]string
			field string
		}{
			{map[string]string{"body": "", "client_id": "a"}, "body"},
			{map[string]string{"body": strings.Repeat("x", chat.BodyMaxLen+1), "client_id": "a"}, "body"},
			{map[string]string{"body": "hi"}, "client_id"},
			{map[string]string{"body": "hi", "client_id": strings.Repeat("c", 65)}, "client_id"},
		} {
			res := e.expect(req{method: "POST", path: path, token: member.token, body: c.body}, 422)
			var out struct {
				Error struct{ Code, Field string } `json:"error"`
			}
			res.decode(t, &out)
			if out.Error.Code != chat.EINVALID || out.Error.Field != c.field {
				t.Errorf("%d-char body: got %s, want invalid %s", len(c.body["body"]), res.body, c.field)
			}
		}
		// 4000 multi-byte characters are within the limit.
		e.send(member, room.ID, strings.Repeat("é", chat.BodyMaxLen), "long-ok")
	})

	t.Run("KeysetPagesStitch", func(t *testing.T) {
		r := e.createRoom(owner, "Paging", chat.RoomPublic)
		const n = 137
		for i := 1; i <= n; i++ {
			e.send(owner, r.ID, fmt.Sprintf("m%d", i), fmt.Sprintf("p%d", i))
		}
		newest, more := e.messages(owner, r.ID, "?limit=50")
		if len(newest) != 50 || !more || newest[0].Seq != n-49 || newest[49].Seq != n {
			t.Fatalf("newest page: %d msgs from %d, more=%v", len(newest), newest[0].Seq, more)
		}
		var all []chat.Message
		before := int64(n + 1)
		for {
			page, more := e.messages(owner, r.ID, fmt.Sprintf("?before_seq=%d&limit=30", before))
			all = append(page, all...)
			if !more {
				break
			}
			before = page[0].Seq
		}
		checkSeqs(t, all, n)
		var forward []chat.Message
		after := int64(0)
		for {
			page, more := e.messages(owner, r.ID, fmt.Sprintf("?after_seq=%d&limit=40", after))
			forward = append(forward, page...)
			if !more {
				break
			}
			after = page[len(page)-1].Seq
		}
		checkSeqs(t, forward, n)
		if page, more := e.messages(owner, r.ID, fmt.Sprintf("?after_seq=%d", n)); len(page) != 0 || more {
			t.Errorf("after the newest: %d msgs, more=%v", len(page), more)
		}
		for _, q := range []string{"?limit=-1", "?limit=0", "?before_seq=x", "?before_seq=5&after_seq=2", "?after_seq=-3"} {
			e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages%s", r.ID, q), token: owner.token}, 422)
		}
		if page, _ := e.messages(owner, r.ID, "?limit=500"); len(page) != chat.PageMaxLimit {
			t.Errorf("limit above the maximum gave %d messages", len(page))
		}
	})

	t.Run("PollAnswers304UntilNew", func(t *testing.T) {
		r := e.createRoom(owner, "Polling", chat.RoomPublic)
		e.send(owner, r.ID, "one", "poll-1")
		p := fmt.Sprintf("/api/v1/rooms/%d/messages?after_seq=1", r.ID)
		res := e.expect(req{method: "GET", path: p, token: owner.token}, 200)
		etag := res.header.Get("ETag")
		e.expect(req{method: "GET", path: p, token: owner.token, header: map[string]string{"If-None-Match": etag}}, 304)
		e.send(owner, r.ID, "two", "poll-2")
		res = e.expect(req{method: "GET", path: p, token: owner.token, header: map[string]string{"If-None-Match": etag}}, 200)
		if !strings.Contains(string(res.body), `"two"`) {
			t.Errorf("new message missing: %s", res.body)
		}
	})

	t.Run("EditAndDelete", func(t *testing.T) {
		m := e.send(member, room.ID, "typo", "edit-1")
		msgPath := fmt.Sprintf("%s/%d", path, m.Seq)
		e.expect(req{method: "PATCH", path: msgPath, token: owner.token, body: map[string]string{"body": "hijack"}}, 403)
		e.expect(req{method: "PATCH", path: msgPath, token: member.token, body: map[string]string{"body": ""}}, 422)
		var edited struct {
			Message chat.Message `json:"message"`
		}
		e.expect(req{method: "PATCH", path: msgPath, token: member.token, body: map[string]string{"body": "fixed"}}, 200).decode(t, &edited)
		if edited.Message.Body != "fixed" || edited.Message.EditedAt == nil || edited.Message.Seq != m.Seq {
			t.Fatalf("edited %+v", edited.Message)
		}
		e.expect(req{method: "DELETE", path: msgPath, token: outsider.token}, 403)
		e.expect(req{method: "DELETE", path: msgPath, token: member.token}, 204)
		page, _ := e.messages(owner, room.ID, fmt.Sprintf("?after_seq=%d&limit=1", m.Seq-1))
		if len(page) != 1 || !page[0].Deleted || page[0].Body != "" {
			t.Fatalf("deleted message reads %+v", page)
		}
		e.expect(req{method: "PATCH", path: msgPath, token: member.token, body: map[string]string{"body": "again"}}, 409)
		// The room's owner may delete anyone's message.
		other := e.send(member, room.ID, "moderate me", "edit-2")
		e.expect(req{method: "DELETE", path: fmt.Sprintf("%s/%d", path, other.Seq), token: owner.token}, 204)
		e.expect(req{method: "DELETE", path: path + "/99999", token: owner.token}, 404)
		e.expect(req{method: "PATCH", path: path + "/abc", token: owner.token, body: map[string]string{"body": "x"}}, 404)
	})
}

func checkSeqs(t *testing.T, msgs []chat.Message, n int) {
	t.Helper()
	if len(msgs) != n {
		t.Fatalf("got %d messages, want %d", len(msgs), n)
	}
	for i, m := range msgs {
		if m.Seq != int64(i+1) || m.Body != fmt.Sprintf("m%d", i+1) {
			t.Fatalf("position %d holds seq %d %q", i, m.Seq, m.Body)
		}
	}
}

// TestConcurrentSendsAcrossServers sends from 50 goroutines through two
// servers built independently over one database, as two replicas would.
func TestConcurrentSendsAcrossServers(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	open := func() *testEnv {
		db, err := postgres.Open(context.Background(), postgres.Options{URL: dsn, MaxOpenConns: 5, MaxIdleConns: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		store := postgres.NewStore(db, postgres.StoreOptions{})
		t.Cleanup(func() { _ = store.Close() })
		return newEnvOn(t, store)
	}
	a, b := open(), open()
	owner := a.signUp("conc")
	room := a.createRoom(owner, "Busy", chat.RoomPublic)

	const senders, each = 50, 6
	var wg sync.WaitGroup
	for g := 0; g < senders; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := a
			if g%2 == 1 {
				srv = b
			}
			for i := 0; i < each; i++ {
				id := fmt.Sprintf("g%d-%d", g, i)
				res := srv.do(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", room.ID), token: owner.token, body: map[string]string{"body": id, "client_id": id}})
				if res.status != 201 {
					t.Errorf("send %s: %d %s", id, res.status, res.body)
				}
			}
		}()
	}
	wg.Wait()
	var all []chat.Message
	after := int64(0)
	for {
		page, more := b.messages(owner, room.ID, fmt.Sprintf("?after_seq=%d&limit=100", after))
		all = append(all, page...)
		if !more {
			break
		}
		after = page[len(page)-1].Seq
	}
	if len(all) != senders*each {
		t.Fatalf("stored %d messages, want %d", len(all), senders*each)
	}
	seen := map[string]bool{}
	for i, m := range all {
		if m.Seq != int64(i+1) {
			t.Fatalf("position %d has seq %d: a gap or repeat", i, m.Seq)
		}
		if seen[m.ClientID] {
			t.Fatalf("client_id %s stored twice", m.ClientID)
		}
		seen[m.ClientID] = true
	}
}

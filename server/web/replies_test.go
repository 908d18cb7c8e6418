package web_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// replyAs posts a reply and returns the answer.
func (e *testEnv) replyAs(a account, roomID int64, replyTo any, body, clientID string) *response {
	e.t.Helper()
	return e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", roomID), token: a.token,
		body: map[string]any{"body": body, "client_id": clientID, "reply_to": replyTo}})
}

// replies reads a page of a thread.
func (e *testEnv) replies(a account, roomID, seq int64, query string) ([]chat.Message, bool) {
	e.t.Helper()
	res := e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages/%d/replies%s", roomID, seq, query), token: a.token}, 200)
	var out struct {
		Messages []chat.Message `json:"messages"`
		HasMore  *bool          `json:"has_more"`
	}
	res.decode(e.t, &out)
	if out.Messages == nil || out.HasMore == nil {
		e.t.Fatalf("replies answer %s lacks messages or has_more", res.body)
	}
	return out.Messages, *out.HasMore
}

func seqsOf(msgs []chat.Message) []int64 {
	out := []int64{}
	for _, m := range msgs {
		out = append(out, m.Seq)
	}
	return out
}

func TestReplies(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.signUp("replyalice"), e.signUp("replybob")
	room := e.createRoom(alice, "Threads", chat.RoomPublic)
	e.expect(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/join", room.ID), token: bob.token}, 200)
	parent := e.send(alice, room.ID, "a question", "q1")

	t.Run("OK", func(t *testing.T) {
		res := e.replyAs(bob, room.ID, parent.Seq, "an answer <b>", "a1")
		if res.status != 201 {
			t.Fatalf("reply: %d %s", res.status, res.body)
		}
		var out struct {
			Message chat.Message `json:"message"`
		}
		res.decode(t, &out)
		m := out.Message
		if m.ReplyTo != parent.Seq || m.ReplyNumber != 1 || m.Seq != parent.Seq+1 || m.Body != "an answer <b>" {
			t.Fatalf("reply %+v, want reply_to %d, reply_number 1, the room's next seq", m, parent.Seq)
		}
		again := e.replyAs(bob, room.ID, parent.Seq, "an answer <b>", "a1")
		var first struct {
			Message chat.Message `json:"message"`
		}
		again.decode(t, &first)
		if again.status != 200 || first.Message.ID != m.ID {
			t.Fatalf("retry: %d %s, want 200 with the first reply", again.status, again.body)
		}
		msgs, _ := e.messages(alice, room.ID, fmt.Sprintf("?after_seq=%d&limit=1", parent.Seq-1))
		if len(msgs) != 1 || msgs[0].ReplyCount != 1 || msgs[0].LastReplyAt == nil || !msgs[0].LastReplyAt.Equal(m.CreatedAt) {
			t.Fatalf("parent in history %+v, want reply_count 1, last_reply_at %v", msgs, m.CreatedAt)
		}
		// History keeps every message, replies included.
		if all, _ := e.messages(alice, room.ID, ""); !slices.Equal(seqsOf(all), []int64{1, 2}) {
			t.Fatalf("history seqs %v, want [1 2]", seqsOf(all))
		}
	})

	t.Run("OKNullIsNoReply", func(t *testing.T) {
		res := e.replyAs(alice, room.ID, nil, "plain", "plain-1")
		var out struct {
			Message map[string]any `json:"message"`
		}
		res.decode(t, &out)
		if res.status != 201 || out.Message["reply_to"] != nil || out.Message["reply_count"] != nil {
			t.Fatalf("reply_to null: %d %s, want a message that is no reply", res.status, res.body)
		}
	})

	t.Run("OKPaging", func(t *testing.T) {
		p := e.send(alice, room.ID, "long thread", "long")
		var want []int64
		for i := range 5 {
			e.send(bob, room.ID, "between", fmt.Sprintf("between-%d", i))
			var out struct {
				Message chat.Message `json:"message"`
			}
			e.replyAs(bob, room.ID, p.Seq, fmt.Sprintf("r%d", i), fmt.Sprintf("long-%d", i)).decode(t, &out)
			want = append(want, out.Message.Seq)
		}
		if got, more := e.replies(alice, room.ID, p.Seq, "?limit=2"); !slices.Equal(seqsOf(got), want[3:]) || !more {
			t.Fatalf("newest 2: %v more %v, want %v more", seqsOf(got), more, want[3:])
		}
		if got, more := e.replies(alice, room.ID, p.Seq, fmt.Sprintf("?before_seq=%d&limit=2", want[3])); !slices.Equal(seqsOf(got), want[1:3]) || !more {
			t.Fatalf("before: %v more %v, want %v more", seqsOf(got), more, want[1:3])
		}
		if got, more := e.replies(alice, room.ID, p.Seq, "?after_seq=0&limit=3"); !slices.Equal(seqsOf(got), want[:3]) || !more {
			t.Fatalf("from the start: %v more %v, want %v more", seqsOf(got), more, want[:3])
		}
		if got, more := e.replies(alice, room.ID, p.Seq, fmt.Sprintf("?after_seq=%d", want[2])); !slices.Equal(seqsOf(got), want[3:]) || more {
			t.Fatalf("after: %v more %v, want %v and no more", seqsOf(got), more, want[3:])
		}
		// A reply has no replies of its own.
		if got, more := e.replies(alice, room.ID, want[0], ""); len(got) != 0 || more {
			t.Fatalf("replies of a reply: %v %v, want none", got, more)
		}
	})

	t.Run("OKReplyToReplyJoinsThread", func(t *testing.T) {
		first, _ := e.replies(alice, room.ID, parent.Seq, "")
		res := e.replyAs(alice, room.ID, first[0].Seq, "nested", "nested-1")
		var out struct {
			Message chat.Message `json:"message"`
		}
		res.decode(t, &out)
		if res.status != 201 || out.Message.ReplyTo != parent.Seq {
			t.Fatalf("reply to a reply: %d %s, want it in thread %d", res.status, res.body, parent.Seq)
		}
	})

	t.Run("ErrInvalidReplyTo", func(t *testing.T) {
		gone := e.send(alice, room.ID, "soon gone", "gone")
		e.expect(req{method: "DELETE", path: fmt.Sprintf("/api/v1/rooms/%d/messages/%d", room.ID, gone.Seq), token: alice.token}, 204)
		before, _ := e.messages(alice, room.ID, "")
		elsewhere := before[len(before)-1].Seq + 5
		other := e.createRoom(alice, "Elsewhere", chat.RoomPublic)
		for i := range elsewhere {
			e.send(alice, other.ID, "filler", fmt.Sprintf("fill-%d", i))
		}
		for _, c := range []struct {
			name    string
			replyTo any
			status  int
			code    string
		}{
			{"Zero", 0, 422, chat.EINVALID},
			{"Negative", -4, 422, chat.EINVALID},
			{"String", "1", 422, chat.EINVALID},
			{"Fraction", 1.5, 422, chat.EINVALID},
			{"Object", map[string]int{"seq": 1}, 422, chat.EINVALID},
			{"NoSuchMessage", 10_000, 422, chat.EINVALID},
			{"OnlyInAnotherRoom", elsewhere, 422, chat.EINVALID},
			{"Deleted", gone.Seq, 422, chat.EINVALID},
		} {
			t.Run(c.name, func(t *testing.T) {
				res := e.replyAs(alice, room.ID, c.replyTo, "x", "bad-"+c.name)
				if res.status != c.status || res.errorCode(t) != c.code {
					t.Fatalf("reply_to %v: %d %s, want %d %s", c.replyTo, res.status, res.body, c.status, c.code)
				}
				var out struct {
					Error struct {
						Field string `json:"field"`
					} `json:"error"`
				}
				res.decode(t, &out)
				if out.Error.Field != "reply_to" {
					t.Fatalf("field %q, want reply_to", out.Error.Field)
				}
			})
		}
		if after, _ := e.messages(alice, room.ID, ""); len(after) != len(before) {
			t.Fatalf("refused replies stored messages: %d → %d", len(before), len(after))
		}
	})

	t.Run("ErrBadPage", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/rooms/%d/messages/%d/replies", room.ID, parent.Seq)
		for _, q := range []string{"?before_seq=-1", "?after_seq=x", "?limit=0", "?before_seq=5&after_seq=2"} {
			if res := e.expect(req{method: "GET", path: path + q, token: alice.token}, 422); res.errorCode(t) != chat.EINVALID {
				t.Fatalf("%s: %s", q, res.body)
			}
		}
	})

	t.Run("ErrNoSuchParent", func(t *testing.T) {
		for _, seq := range []string{"999", "0", "-1", "abc"} {
			res := e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages/%s/replies", room.ID, seq), token: alice.token}, 404)
			if res.errorCode(t) != chat.ENOTFOUND {
				t.Fatalf("seq %s: %s", seq, res.body)
			}
		}
	})
}

// TestRepliesAccess: whoever may not read a room's messages may not read
// or write its threads either, and hears exactly the same answer.
func TestRepliesAccess(t *testing.T) {
	e := newEnv(t)
	owner, outsider := e.signUp("threadowner"), e.signUp("threadout")
	private := e.createRoom(owner, "Hidden", chat.RoomPrivate)
	public := e.createRoom(owner, "Open", chat.RoomPublic)
	for _, r := range []chat.Room{private, public} {
		e.send(owner, r.ID, "parent", fmt.Sprintf("p-%d", r.ID))
		e.replyAs(owner, r.ID, 1, "reply", fmt.Sprintf("r-%d", r.ID))
	}
	answer := func(r *response) string {
		if r.status >= 400 {
			return fmt.Sprintf("%d %s", r.status, r.errorCode(t))
		}
		return fmt.Sprint(r.status)
	}
	for _, c := range []struct {
		name string
		room string
		want string
	}{
		{"Private", fmt.Sprint(private.ID), "404 not_found"},
		{"Public", fmt.Sprint(public.ID), "200"},
		{"Missing", "999999", "404 not_found"},
		{"Malformed", "abc", "404 not_found"},
	} {
		t.Run("Read"+c.name, func(t *testing.T) {
			msgs := e.do(req{method: "GET", path: "/api/v1/rooms/" + c.room + "/messages", token: outsider.token})
			thread := e.do(req{method: "GET", path: "/api/v1/rooms/" + c.room + "/messages/1/replies", token: outsider.token})
			if answer(msgs) != c.want || answer(thread) != c.want {
				t.Fatalf("outsider: messages %s, replies %s; want %s for both", answer(msgs), answer(thread), c.want)
			}
			if c.want == "404 not_found" && string(msgs.body) != string(thread.body) {
				t.Fatalf("the refusals differ: %s vs %s", msgs.body, thread.body)
			}
		})
	}
	for _, c := range []struct {
		name string
		room int64
		want string
	}{
		{"Private", private.ID, "404 not_found"},
		{"Public", public.ID, "403 forbidden"},
	} {
		t.Run("Write"+c.name, func(t *testing.T) {
			msg := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/rooms/%d/messages", c.room), token: outsider.token,
				body: map[string]any{"body": "x", "client_id": "out-1"}})
			rep := e.replyAs(outsider, c.room, 1, "x", "out-2")
			if answer(msg) != c.want || answer(rep) != c.want {
				t.Fatalf("outsider: message %s, reply %s; want %s for both", answer(msg), answer(rep), c.want)
			}
		})
	}
	t.Run("ErrNoToken", func(t *testing.T) {
		e.expect(req{method: "GET", path: fmt.Sprintf("/api/v1/rooms/%d/messages/1/replies", public.ID)}, 401)
	})
}

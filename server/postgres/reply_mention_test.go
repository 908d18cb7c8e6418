package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

// TestReplyThatMentions: a batch holding a reply and a mention (the fast
// statements do one or the other) commits both ways at once: the thread
// counts the reply and the mentioned member counts the mentions.
func TestReplyThatMentions(t *testing.T) {
	ctx := context.Background()
	_, s := testenv.Open(t)
	u := newUser(t, s)
	bob := newUser(t, s)
	r := newRoom(t, s, u)
	if _, err := s.AddMember(ctx, r.ID, bob.ID, chat.RoleMember); err != nil {
		t.Fatal(err)
	}
	parent := send(t, s, r.ID, u.ID, "parent")
	msgs, errs, err := s.CommitBatch([]chat.NewMessage{
		{RoomID: r.ID, UserID: u.ID, Body: "@" + bob.Username + " see this", ClientID: "reply", ReplyTo: parent.Seq},
		{RoomID: r.ID, UserID: u.ID, Body: "and this, @" + bob.Username, ClientID: "plain"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e != nil {
			t.Fatalf("send %d: %v", i, e)
		}
	}
	if m := msgs[0]; m.ReplyTo != parent.Seq || m.ReplyNumber != 1 || !slices.Contains(m.Mentioned, bob.ID) {
		t.Fatalf("reply: reply_to %d number %d mentioned %v; want %d, 1, [%d]", m.ReplyTo, m.ReplyNumber, m.Mentioned, parent.Seq, bob.ID)
	}
	if m := msgs[1]; !slices.Contains(m.Mentioned, bob.ID) {
		t.Fatalf("plain message mentions %v; want [%d]", m.Mentioned, bob.ID)
	}
	p, err := s.FindMessage(ctx, r.ID, parent.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if p.ReplyCount != 1 {
		t.Fatalf("parent reply_count %d; want 1", p.ReplyCount)
	}
	rooms, err := s.UserRooms(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range rooms {
		if got.ID == r.ID {
			if got.Mentions == nil || *got.Mentions != 2 {
				t.Fatalf("bob's mentions %v; want 2", got.Mentions)
			}
			return
		}
	}
	t.Fatalf("bob's rooms %v lack room %d", rooms, r.ID)
}

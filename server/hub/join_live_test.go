package hub_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// lateJoinEvent hands the hub a join as it arrives when messages were
// committed and delivered between the join and its event: the room's last
// seq in it is behind what the room's members already received.
type lateJoinEvent struct {
	*hub.Hub
	behind int64
}

func (l lateJoinEvent) MemberJoined(ctx context.Context, r *chat.Room, u chat.User) {
	stale := *r
	stale.LastSeq -= l.behind
	l.Hub.MemberJoined(ctx, &stale, u)
}

// TestLiveJoinCatchesUp: a connection added to a room whose messages this
// replica already delivered past the join's seq gets those messages from
// history, after room_joined and before the room's next live message, so
// that it sees the room's seqs without a gap.
func TestLiveJoinCatchesUp(t *testing.T) {
	r := newReplica(t, testenv.NewDatabase(t), hub.Options{})
	r.App.SetNotifier(lateJoinEvent{Hub: r.Hub, behind: 2})
	owner, ownerToken := newUser(t, r.App)
	bob, bobToken := newUser(t, r.App)
	room := newRoom(t, r.App, owner, chat.RoomPrivate)
	ownerConn := dial(t, r.URL, ownerToken)
	ownerConn.next(wait, "ready")
	for _, id := range []string{"a", "b", "c"} {
		ownerConn.send(sendFrame{Type: "send", RoomID: room.ID, Body: "before " + id, ClientID: id})
		ownerConn.next(wait, "ack")
	}
	bobConn := dial(t, r.URL, bobToken)
	bobConn.next(wait, "ready")
	if _, _, err := r.App.AddMember(context.Background(), owner, room.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if e := bobConn.next(wait, "room_joined"); e.Room == nil || e.Room.ID != room.ID || e.Room.LastSeq != 1 {
		t.Fatalf("room_joined %+v; want room %d at seq 1", e.Room, room.ID)
	}
	ownerConn.send(sendFrame{Type: "send", RoomID: room.ID, Body: "after", ClientID: "d"})
	for want := int64(2); want <= 4; want++ {
		if e := bobConn.next(wait, "message"); e.Msg.Seq != want {
			t.Fatalf("bob got seq %d; want %d (the room's seqs in order after room_joined)", e.Msg.Seq, want)
		}
	}
}

package hub

import (
	"cmp"
	"maps"
	"slices"
	"sync"

	"github.com/parleychat/parley/server/chat"
)

// memberBatch collects who joined and left each room between two flushes,
// each user's latest change winning, so that a crowd joining a big room
// costs each member a few frames instead of one per newcomer.
type memberBatch struct {
	mu      sync.Mutex
	pending map[int64]map[int64]memberChange // room → user → change
}

type memberChange struct {
	user   chat.User
	joined bool
}

// maxSingleChanges is how many changes of one room in one interval still
// go out one event each, as clients that predate the batches expect; a
// crowd beyond it goes out as one batch.
const maxSingleChanges = 3

// membersChangedEvent tells a room's members about several joins and
// leaves at once; a single change still goes out as member_joined or
// member_left.
type membersChangedEvent struct {
	Type   string      `json:"type"`
	RoomID int64       `json:"room_id"`
	Joined []chat.User `json:"joined"`
	Left   []chat.User `json:"left"`
}

// noteMember records a join or leave of a room for the next flush.
func (h *Hub) noteMember(roomID int64, u chat.User, joined bool) {
	b := &h.members
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = make(map[int64]map[int64]memberChange)
	}
	room := b.pending[roomID]
	if room == nil {
		room = make(map[int64]memberChange)
		b.pending[roomID] = room
	}
	room[u.ID] = memberChange{user: u, joined: joined}
}

// flushMembers publishes one event per room that saw joins or leaves.
func (h *Hub) flushMembers() {
	b := &h.members
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	byID := func(a, b chat.User) int { return cmp.Compare(a.ID, b.ID) }
	for roomID, changes := range pending {
		if len(changes) <= maxSingleChanges {
			for _, c := range slices.SortedFunc(maps.Values(changes), func(a, b memberChange) int { return byID(a.user, b.user) }) {
				typ := "member_left"
				if c.joined {
					typ = "member_joined"
				}
				h.emit(roomTopic(roomID), kindRoomEvent, roomID, 0, 0, roomUserEvent{Type: typ, RoomID: roomID, User: c.user})
			}
			continue
		}
		e := membersChangedEvent{Type: "members_changed", RoomID: roomID, Joined: []chat.User{}, Left: []chat.User{}}
		for _, c := range changes {
			if c.joined {
				e.Joined = append(e.Joined, c.user)
			} else {
				e.Left = append(e.Left, c.user)
			}
		}
		slices.SortFunc(e.Joined, byID)
		slices.SortFunc(e.Left, byID)
		h.emit(roomTopic(roomID), kindRoomEvent, roomID, 0, 0, e)
	}
}

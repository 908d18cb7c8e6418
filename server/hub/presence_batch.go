package hub

import (
	"context"
	"slices"
	"sync"
	"time"
)

// presenceBatch collects presence changes between two flushes, the latest
// state of each user winning, so that presence costs each room one frame
// per interval instead of one per change.
type presenceBatch struct {
	mu      sync.Mutex
	pending map[int64]pendingPresence
}

type pendingPresence struct {
	online bool
	rooms  []int64
}

// presenceBatchEvent tells a room's members about several presence changes
// at once; a single change still goes out as a plain presence event.
type presenceBatchEvent struct {
	Type    string  `json:"type"`
	RoomID  int64   `json:"room_id"`
	Online  []int64 `json:"online_users"`
	Offline []int64 `json:"offline_users"`
}

// announcePresence records that a user came online or went offline in
// rooms; the next flush tells their members, on every replica.
func (h *Hub) announcePresence(userID int64, rooms []int64, online bool) {
	if len(rooms) == 0 {
		return
	}
	b := &h.presence
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = make(map[int64]pendingPresence)
	}
	p := b.pending[userID]
	p.online = online
	for _, id := range rooms {
		if !slices.Contains(p.rooms, id) {
			p.rooms = append(p.rooms, id)
		}
	}
	b.pending[userID] = p
}

// batchLoop flushes the collected presence, membership and reaction
// changes every PresenceInterval until ctx ends, and once more then.
func (h *Hub) batchLoop(ctx context.Context) {
	t := time.NewTicker(h.o.PresenceInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.flushMembers()
			h.flushPresence()
			h.flushReactions()
			return
		case <-t.C:
			h.flushMembers()
			h.flushPresence()
			h.flushReactions()
		}
	}
}

// flushPresence publishes the changes of each room: a plain presence event
// per user (not sent to that user) when they are few, else one
// presence_batch listing who came and who went.
func (h *Hub) flushPresence() {
	b := &h.presence
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	byRoom := make(map[int64]*presenceBatchEvent)
	for userID, p := range pending {
		for _, id := range p.rooms {
			e := byRoom[id]
			if e == nil {
				e = &presenceBatchEvent{Type: "presence_batch", RoomID: id, Online: []int64{}, Offline: []int64{}}
				byRoom[id] = e
			}
			if p.online {
				e.Online = append(e.Online, userID)
			} else {
				e.Offline = append(e.Offline, userID)
			}
		}
	}
	for id, e := range byRoom {
		slices.Sort(e.Online)
		slices.Sort(e.Offline)
		if len(e.Online)+len(e.Offline) <= maxSingleChanges {
			for _, userID := range e.Online {
				h.emit(roomTopic(id), kindLossyEvent, id, 0, userID, presenceEvent{Type: "presence", UserID: userID, Online: true})
			}
			for _, userID := range e.Offline {
				h.emit(roomTopic(id), kindLossyEvent, id, 0, userID, presenceEvent{Type: "presence", UserID: userID, Online: false})
			}
			continue
		}
		h.emit(roomTopic(id), kindLossyEvent, id, 0, 0, e)
	}
}

package loadsim

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// roomDir creates the simulated rooms on first use, through one owner
// account, and reuses rooms of the same name left by an earlier run with
// the same user prefix. User i belongs to room i/size of every size.
type roomDir struct {
	owner  *api
	prefix string
	mu     sync.Mutex
	slots  map[string]*roomSlot
}

type roomSlot struct {
	once sync.Once
	id   int64
	err  error
}

func newRoomDir(ctx context.Context, owner *api, prefix string) (*roomDir, error) {
	var list roomsAnswer
	if _, err := owner.do(ctx, call{action: "public_rooms", method: http.MethodGet,
		path: "/api/v1/rooms/public", accept: []int{200}, out: &list}); err != nil {
		return nil, fmt.Errorf("rooms: list public rooms: %w", err)
	}
	d := &roomDir{owner: owner, prefix: prefix, slots: make(map[string]*roomSlot)}
	for _, r := range list.Rooms {
		slot := &roomSlot{id: r.ID}
		slot.once.Do(func() {})
		d.slots[r.Name] = slot
	}
	return d, nil
}

func roomName(prefix string, size, k int) string {
	return prefix + "-r" + strconv.Itoa(size) + "-" + strconv.Itoa(k)
}

// roomsOf returns the ids of user i's rooms, creating missing ones.
func (d *roomDir) roomsOf(ctx context.Context, i int, sizes []int) ([]int64, error) {
	ids := make([]int64, 0, len(sizes))
	for _, size := range sizes {
		id, err := d.room(ctx, roomName(d.prefix, size, i/size))
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (d *roomDir) room(ctx context.Context, name string) (int64, error) {
	d.mu.Lock()
	slot := d.slots[name]
	if slot == nil {
		slot = &roomSlot{}
		d.slots[name] = slot
	}
	d.mu.Unlock()
	slot.once.Do(func() {
		var ans roomAnswer
		_, err := d.owner.do(ctx, call{action: "create_room", method: http.MethodPost, path: "/api/v1/rooms",
			body: map[string]string{"name": name, "kind": "public"}, accept: []int{201}, out: &ans})
		slot.id, slot.err = ans.Room.ID, err
	})
	return slot.id, slot.err
}

package loadsim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Action weights of the Mattermost-like model: how often a person does
// each thing relative to the others.
var modelActions = []struct {
	name   string
	weight float64
	do     func(u *user, ctx context.Context) error
}{
	{"switch_room", 6.5, (*user).switchRoom},
	{"scroll", 2, (*user).scroll},
	{"unread", 1, (*user).checkUnread},
	{"post", 1, (*user).typeAndPost},
	{"open_dm", 1, (*user).openDM},
	{"reconnect", 0.15, (*user).reconnect},
	{"edit", 0.04, (*user).edit},
	{"delete", 0.005, (*user).delete},
	{"search_users", 0.03, (*user).searchUsers},
	{"react", 0.13, (*user).react},
	{"reply", 0.1, (*user).reply},
	{"view_replies", 0.28, (*user).viewReplies},
	{"search", 0.022, (*user).searchMessages},
}

func pickAction() int {
	total := 0.0
	for _, a := range modelActions {
		total += a.weight
	}
	x := rand.Float64() * total
	for i, a := range modelActions {
		if x < a.weight {
			return i
		}
		x -= a.weight
	}
	return 0
}

// runModel does one action every 1–39 s (divided by the rate factor) until
// ctx ends.
func (u *user) runModel(ctx context.Context) {
	for {
		wait := time.Duration((1 + 38*rand.Float64()) / u.r.cfg.RateFactor * float64(time.Second))
		if !sleepCtx(ctx, wait) {
			return
		}
		a := modelActions[pickAction()]
		if err := errIgnoreCanceled(ctx, a.do(u, ctx)); err != nil {
			u.r.actionError(a.name, err)
		}
	}
}

// runChatty posts every interval, starting at a random phase so that the
// population's sends are spread evenly, and drops its socket every
// reconnectEvery (never when zero), at a random phase too.
func (u *user) runChatty(ctx context.Context, interval, reconnectEvery time.Duration) {
	// A stopped timer that never fires stands in when nothing reconnects.
	kick := time.NewTimer(time.Hour)
	kick.Stop()
	defer kick.Stop()
	if reconnectEvery > 0 {
		kick.Reset(rand.N(reconnectEvery))
	}
	if !sleepCtx(ctx, rand.N(interval)) {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		room := u.chatRoom()
		if err := errIgnoreCanceled(ctx, u.post(room)); err != nil {
			u.r.actionError("post", err)
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return
			case <-kick.C:
				u.sock.kick()
				kick.Reset(reconnectEvery)
			case <-t.C:
				waiting = false
			}
		}
	}
}

func (u *user) switchRoom(ctx context.Context) error {
	if len(u.rooms) > 1 {
		for {
			r := u.rooms[rand.IntN(len(u.rooms))]
			if r != u.current {
				u.current = r
				break
			}
		}
	}
	if err := u.history(ctx, "switch_room", u.current, ""); err != nil {
		return err
	}
	seq := u.recv.Watermark(u.current)
	if seq < 1 {
		return nil
	}
	_, err := u.api.do(ctx, call{action: "mark_read", method: http.MethodPost, path: roomPath(u.current) + "/read",
		body: map[string]int64{"seq": seq}, accept: []int{204, 200}})
	return err
}

func (u *user) scroll(ctx context.Context) error {
	top := u.recv.Watermark(u.current) - 50 - rand.Int64N(200)
	if top < 2 {
		return u.history(ctx, "scroll", u.current, "?limit=50")
	}
	return u.history(ctx, "scroll", u.current, "?limit=50&before_seq="+strconv.FormatInt(top, 10))
}

func (u *user) checkUnread(ctx context.Context) error {
	return u.listRooms(ctx, "unread")
}

func (u *user) typeAndPost(ctx context.Context) error {
	if err := u.sock.write(map[string]any{"type": "typing", "room_id": u.current}); err != nil {
		return nil // disconnected: the reconnect loop is at work, the person waits
	}
	if !sleepCtx(ctx, 300*time.Millisecond+rand.N(700*time.Millisecond)) {
		return nil
	}
	if err := u.post(u.current); err != nil && err != errNoConn {
		return err
	}
	return nil
}

func (u *user) openDM(ctx context.Context) error {
	peer, ok := u.r.randomPeer(u.id)
	if !ok {
		return nil
	}
	var ans roomAnswer
	if _, err := u.api.do(ctx, call{action: "open_dm", method: http.MethodPost, path: "/api/v1/dms",
		body: map[string]int64{"user_id": peer}, accept: []int{200, 201}, out: &ans}); err != nil {
		return err
	}
	return u.history(ctx, "dm_history", ans.Room.ID, "")
}

func (u *user) reconnect(context.Context) error {
	u.sock.kick()
	return nil
}

func (u *user) edit(ctx context.Context) error {
	m, ok := u.takeOwn()
	if !ok {
		return nil
	}
	_, err := u.api.do(ctx, call{action: "edit", method: http.MethodPatch,
		path: roomPath(m.room) + "/messages/" + strconv.FormatInt(m.seq, 10),
		body: map[string]string{"body": "edited by the load simulator"}, accept: []int{200}})
	return err
}

func (u *user) delete(ctx context.Context) error {
	m, ok := u.takeOwn()
	if !ok {
		return nil
	}
	_, err := u.api.do(ctx, call{action: "delete", method: http.MethodDelete,
		path: roomPath(m.room) + "/messages/" + strconv.FormatInt(m.seq, 10), accept: []int{204, 200}})
	return err
}

func (u *user) searchUsers(ctx context.Context) error {
	q := u.r.cfg.UserPrefix + strconv.Itoa(rand.IntN(10))
	var ans usersAnswer
	_, err := u.api.do(ctx, call{action: "search_users", method: http.MethodGet,
		path: "/api/v1/users?q=" + q, accept: []int{200}, out: &ans})
	return err
}

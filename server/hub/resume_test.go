package hub_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// seqs collects the message seqs a client receives in one room until it
// has want of them, or resumed arrives if untilResumed.
func seqs(tb testing.TB, c *client, room int64, want int, untilResumed bool) []int64 {
	tb.Helper()
	var got []int64
	for {
		if !untilResumed && len(got) >= want {
			return got
		}
		e := c.next(10*time.Second, "message", "resumed", "error")
		switch e.Type {
		case "error":
			tb.Fatalf("error event %+v", e)
		case "resumed":
			if untilResumed {
				return got
			}
		case "message":
			if e.Msg.RoomID == room {
				got = append(got, e.Msg.Seq)
			}
		}
	}
}

// checkRun fails unless got is exactly from, from+1, …, to.
func checkRun(tb testing.TB, got []int64, from, to int64) {
	tb.Helper()
	if int64(len(got)) != to-from+1 {
		tb.Fatalf("got %d seqs %v, want %d..%d", len(got), brief(got), from, to)
	}
	for i, s := range got {
		if s != from+int64(i) {
			tb.Fatalf("seq #%d = %d, want %d (gap, duplicate or disorder) in %v", i, s, from+int64(i), brief(got))
		}
	}
}

func brief(s []int64) string {
	if len(s) > 40 {
		return fmt.Sprint(s[:20], "…", s[len(s)-20:])
	}
	return fmt.Sprint(s)
}

func TestResume(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		ctx := context.Background()
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		key := strconv.FormatInt(room.ID, 10)
		const total = 300

		c1 := dial(t, r.URL, tb)
		c1.next(wait, "ready")
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range total {
				if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "m", fmt.Sprint("k", i)); err != nil {
					t.Errorf("send %d: %v", i, err)
					return
				}
				if i%50 == 0 {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
		first := seqs(t, c1, room.ID, 40, false)
		checkRun(t, first, 1, 40)
		_ = c1.ws.Close() // drop mid-stream

		// The resume point given at connect: replayed and live messages
		// come strictly in seq order, however the two race.
		c2 := dial(t, r.URL+"?resume="+key+":40", tb)
		ready := c2.next(wait, "ready")
		got := seqs(t, c2, room.ID, 0, true)
		wg.Wait()
		last := int64(40)
		if len(got) > 0 {
			last = got[len(got)-1]
		}
		if last < total {
			got = append(got, seqs(t, c2, room.ID, int(total-last), false)...)
		}
		checkRun(t, got, 41, total)
		if ready.Rooms[key] < 40 {
			t.Fatalf("ready last_seq %d below what was already delivered", ready.Rooms[key])
		}
		// A second resume from the end replays nothing.
		c2.send(resumeFrame{Type: "resume", Rooms: map[string]int64{key: total}})
		if extra := seqs(t, c2, room.ID, 0, true); len(extra) != 0 {
			t.Fatalf("resume from the end replayed %v", brief(extra))
		}
	})
	t.Run("FromZero", func(t *testing.T) {
		r := single(t, hub.Options{QueueSize: 16})
		ctx := context.Background()
		alice, ta := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		for i := range 250 {
			if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "m", fmt.Sprint("z", i)); err != nil {
				t.Fatal(err)
			}
		}
		c := dial(t, r.URL, ta)
		c.next(wait, "ready")
		c.send(resumeFrame{Type: "resume", Rooms: map[string]int64{strconv.FormatInt(room.ID, 10): 0}})
		// 250 messages through a 16-frame queue: the replay paces itself.
		checkRun(t, seqs(t, c, room.ID, 0, true), 1, 250)
	})
}

// TestResumeFrame checks the resume frame sent after ready: it may
// interleave with live messages (the protocol allows it), but each seq
// still arrives exactly once.
func TestResumeFrame(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{})
		ctx := context.Background()
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob)
		key := strconv.FormatInt(room.ID, 10)
		for i := range 30 {
			if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "m", fmt.Sprint("f", i)); err != nil {
				t.Fatal(err)
			}
		}
		c := dial(t, r.URL, tb)
		c.next(wait, "ready")
		c.send(resumeFrame{Type: "resume", Rooms: map[string]int64{key: 10}})
		for i := 30; i < 40; i++ {
			if _, _, err := r.App.SendMessage(ctx, alice, room.ID, "m", fmt.Sprint("f", i)); err != nil {
				t.Fatal(err)
			}
		}
		got := seqs(t, c, room.ID, 0, true)
		if len(got) < 30 {
			got = append(got, seqs(t, c, room.ID, 30-len(got), false)...)
		}
		slices.Sort(got)
		checkRun(t, got, 11, 40)
	})
}

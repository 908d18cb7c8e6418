package hub_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

func TestSlowReader(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		r := single(t, hub.Options{QueueSize: 128, WriteTimeout: time.Second, Compression: false})
		ctx := context.Background()
		alice, _ := newUser(t, r.App)
		bob, tb := newUser(t, r.App)
		slow, ts := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic, bob, slow)

		cb := dial(t, r.URL, tb)
		cb.next(wait, "ready")
		stalled := dialRaw(t, r.URL, ts) // never reads

		// Big incompressible bodies fill the stalled socket's buffers fast.
		const total, senders = 1200, 6
		var wg sync.WaitGroup
		for s := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				raw := make([]byte, 2925)
				for i := s; i < total; i += senders {
					_, _ = rand.Read(raw)
					body := base64.StdEncoding.EncodeToString(raw)[:3900]
					if _, _, err := r.App.SendMessage(ctx, alice, room.ID, body, fmt.Sprint("s", i)); err != nil {
						t.Errorf("send: %v", err)
						return
					}
				}
			}()
		}
		var lat []time.Duration
		var got []int64
		for len(got) < total {
			e := cb.next(20*time.Second, "message")
			lat = append(lat, time.Since(e.Msg.CreatedAt))
			got = append(got, e.Msg.Seq)
		}
		wg.Wait()
		checkRun(t, got, 1, total)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p99 := lat[len(lat)*99/100]
		t.Logf("fast reader latency p50 %v p99 %v max %v", lat[len(lat)/2], p99, lat[len(lat)-1])
		// Waiting on the stalled client would cost a write timeout (1s).
		if p99 > time.Second {
			t.Fatalf("fast reader p99 latency %v while another client stalled, want < 1s", p99)
		}

		// The stalled client was cut off: reading now drains what the socket
		// held, then the connection ends well before all messages.
		_ = stalled.SetReadDeadline(time.Now().Add(10 * time.Second))
		n := 0
		for {
			if _, _, err := stalled.ReadMessage(); err != nil {
				break
			}
			n++
		}
		if n >= total+1 {
			t.Fatalf("stalled client read %d frames, want it disconnected before %d", n, total+1)
		}
		t.Logf("stalled client got %d frames before the hub closed it", n)
	})
}

package hub_test

import (
	"context"
	"net"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
)

// oneRoom is the application layer of the benchmark: everybody is in room
// 1, and nothing is stored, so only the hub's own cost is measured.
type oneRoom struct{}

func (oneRoom) MyRooms(context.Context, *chat.User) ([]chat.Room, error) {
	return []chat.Room{{ID: 1, Name: "bench", Kind: chat.RoomPublic}}, nil
}
func (oneRoom) Room(context.Context, *chat.User, int64) (*chat.Room, error) {
	return &chat.Room{ID: 1}, nil
}
func (oneRoom) SendMessage(context.Context, *chat.User, int64, string, string) (*chat.Message, bool, error) {
	return nil, false, chat.Errorf(chat.EFORBIDDEN, "read only")
}
func (oneRoom) SendReply(context.Context, *chat.User, int64, int64, string, string) (*chat.Message, bool, error) {
	return nil, false, chat.Errorf(chat.EFORBIDDEN, "read only")
}
func (oneRoom) Messages(context.Context, *chat.User, int64, chat.Page) ([]chat.Message, bool, error) {
	return nil, false, nil
}
func (oneRoom) CommittedMessages(context.Context, int64, int64, int64) ([]chat.Message, error) {
	return nil, nil
}
func (oneRoom) MarkRead(context.Context, *chat.User, int64, int64) error { return nil }
func (oneRoom) SessionAlive(context.Context, string) error               { return nil }

// frameCounter reads a server's unmasked frames off the raw connection and
// counts them, allocating nothing, so the benchmark's allocations are the
// server's.
type frameCounter struct {
	n    atomic.Int64
	conn net.Conn
}

func (f *frameCounter) run() {
	buf := make([]byte, 16<<10)
	var need int64 = -1 // bytes left of the current frame's payload; -1: header next
	var hdr []byte
	for {
		n, err := f.conn.Read(buf)
		if err != nil {
			return
		}
		p := buf[:n]
		for len(p) > 0 {
			if need > 0 {
				k := min(need, int64(len(p)))
				need -= k
				p = p[k:]
				if need == 0 {
					f.n.Add(1)
					need = -1
				}
				continue
			}
			hdr = append(hdr, p[0])
			p = p[1:]
			if len(hdr) < 2 {
				continue
			}
			l := int64(hdr[1] & 0x7f)
			switch {
			case l == 126 && len(hdr) < 4, l == 127 && len(hdr) < 10:
				continue
			case l == 126:
				l = int64(hdr[2])<<8 | int64(hdr[3])
			case l == 127:
				l = 0
				for _, b := range hdr[2:10] {
					l = l<<8 | int64(b)
				}
			}
			hdr = hdr[:0]
			if need = l; need == 0 {
				f.n.Add(1)
				need = -1
			}
		}
	}
}

// BenchmarkFanout sends one message at a time to a room of 1,000 live
// WebSocket receivers in the same process; the custom metrics are per
// delivered message.
func BenchmarkFanout(b *testing.B) {
	const receivers = 1000
	url, h := startFake(b, hub.Options{QueueSize: 512, MaxSocketsPerUser: -1})
	ctx := context.Background()
	counters := make([]*frameCounter, receivers)
	before := inUse()
	for i := range counters {
		// One user with many connections: no presence traffic between them.
		// Small client buffers keep the client's share of the memory figure
		// small.
		d := websocket.Dialer{HandshakeTimeout: wait, ReadBufferSize: 256, WriteBufferSize: 256}
		ws, _, err := d.Dial(url+"?token=7", nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = ws.Close() })
		// ready may sit in the client's buffer with the handshake.
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
		counters[i] = &frameCounter{conn: ws.NetConn()}
	}
	perConn := float64(inUse()-before) / receivers
	for _, c := range counters {
		go c.run()
	}
	base := make([]int64, receivers)
	for i, c := range counters {
		base[i] = c.n.Load()
	}

	msg := &chat.Message{RoomID: 1, User: chat.User{ID: 1, Username: "sender"},
		Body: "a message of about the size a person types in a chat, give or take a few words", ClientID: "bench",
		CreatedAt: time.Now().UTC()}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		m := *msg
		m.Seq = int64(i + 1)
		h.MessageCreated(ctx, &m)
		if i%64 == 63 {
			// Stay within the send queues, as live readers would.
			waitAllFrom(b, counters, base, int64(i+1-128))
		}
	}
	waitAllFrom(b, counters, base, int64(b.N))
	b.StopTimer()
	d := float64(b.N) * receivers
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/d, "ns/delivery")
	b.ReportMetric(d/b.Elapsed().Seconds(), "deliveries/s")
	b.ReportMetric(perConn, "idle-B/conn")

}

// startFake serves a hub over the oneRoom application layer; the token is
// the user id, and an expire query parameter (a duration) gives the
// connection a session that ends that long from now.
func startFake(tb testing.TB, o hub.Options) (string, *hub.Hub) {
	tb.Helper()
	if o.Logger == nil {
		o.Logger = quietLog
	}
	h := hub.New(o)
	ctx, cancel := context.WithCancel(context.Background())
	var run sync.WaitGroup
	run.Add(1)
	go func() {
		defer run.Done()
		_ = h.Run(ctx)
	}()
	srv := fiber.New(fiber.Config{DisableStartupMessage: true})
	srv.Get("/ws", func(c *fiber.Ctx) error {
		id, _ := strconv.ParseInt(c.Query("token"), 10, 64)
		c.Locals(hub.UserLocal, &chat.User{ID: id, Username: "u" + c.Query("token")})
		if d, err := time.ParseDuration(c.Query("expire")); err == nil {
			c.Locals(hub.SessionLocal, chat.Session{ID: "fake" + c.Query("token"), UserID: id, ExpiresAt: time.Now().Add(d)})
		}
		return c.Next()
	}, h.Handler(oneRoom{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Listener(ln)
	}()
	tb.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = h.Shutdown(sctx)
		_ = srv.ShutdownWithTimeout(time.Second)
		<-done
		cancel()
		run.Wait()
	})
	return "ws://" + ln.Addr().String() + "/ws", h
}

// inUse is the heap and stack memory in use after a collection. Client and
// server share the process, so a connection's figure covers both ends.
func inUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

func waitAllFrom(tb testing.TB, cs []*frameCounter, base []int64, n int64) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for i, c := range cs {
		for c.n.Load()-base[i] < n {
			if time.Now().After(deadline) {
				tb.Fatalf("receiver %d has %d frames, want %d", i, c.n.Load()-base[i], n)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
}

package monitor_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

var memorySeries = []string{
	"parley_memory_heap_live_bytes", "parley_memory_heap_total_bytes", "parley_memory_rss_bytes",
	"parley_goroutines", "parley_gc_pause_seconds_count", `parley_gc_pause_seconds{quantile="0.5"}`,
	`parley_gc_pause_seconds{quantile="0.99"}`, "parley_gc_cpu_fraction", "parley_memory_bytes_per_socket",
	"parley_ws_queue_depth_count", `parley_ws_queue_depth_bucket{le="0"}`,
}

func startServer(t *testing.T) *testenv.Server {
	return testenv.RunServer(t, testenv.ServerOptions{
		Binary: testenv.Parley(t),
		Env:    []string{"PARLEY_ARGON2_MEMORY_KIB=1024", "VALKEY_URL=", "PARLEY_AUTH_RATE=0", "PARLEY_REGISTER_RATE=0", "PARLEY_WS_MAX_SOCKETS_PER_USER=0"},
	})
}

// The admin listener serves pprof and the memory series; the public port
// serves no pprof at all.
func TestAdminListenerServesPprofPublicDoesNot(t *testing.T) {
	srv := startServer(t)
	if srv.AdminURL == "" {
		t.Fatal("testenv gave the server no admin address")
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1"} {
		if code, _ := get(t, srv.AdminURL+path); code != http.StatusOK {
			t.Errorf("admin %s: %d, want 200", path, code)
		}
		if code, _ := get(t, srv.URL+path); code != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404", path, code)
		}
	}
	code, body := get(t, srv.AdminURL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("admin /metrics: %d", code)
	}
	for _, name := range memorySeries {
		if _, ok := metric(body, name); !ok {
			t.Errorf("admin /metrics lacks %s", name)
		}
	}
	// The public /metrics keeps serving the same registry.
	if _, body := get(t, srv.URL+"/metrics"); !strings.Contains(body, "parley_memory_rss_bytes") {
		t.Error("public /metrics lacks the memory series")
	}
}

// Opening sockets moves the socket, queue and goroutine series on the next
// sample (every 5 s).
func TestMemorySeriesMoveWithSockets(t *testing.T) {
	srv := startServer(t)
	_, body := get(t, srv.AdminURL+"/metrics")
	queueBefore, _ := metric(body, "parley_ws_queue_depth_count")
	goroutinesBefore, _ := metric(body, "parley_goroutines")
	if v, _ := metric(body, "parley_memory_bytes_per_socket"); v != 0 {
		t.Fatalf("bytes per socket %v without sockets", v)
	}
	token := register(t, srv.URL)
	const sockets = 40
	for range sockets {
		c := dial(t, srv.URL, token)
		t.Cleanup(func() { c.Close() })
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, body = get(t, srv.AdminURL+"/metrics")
		queue, _ := metric(body, "parley_ws_queue_depth_count")
		goroutines, _ := metric(body, "parley_goroutines")
		perSocket, _ := metric(body, "parley_memory_bytes_per_socket")
		// Each socket holds a reader goroutine, but other goroutines
		// come and go meanwhile: half the sockets' worth is movement
		// enough, and none at all would be a stuck series.
		if queue >= queueBefore+sockets && goroutines >= goroutinesBefore+sockets/2 && perSocket > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d sockets: queue samples %v -> %v, goroutines %v -> %v, bytes per socket %v",
				sockets, queueBefore, queue, goroutinesBefore, goroutines, perSocket)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A taken admin port stops start-up with one line naming the variable.
func TestAdminBindFailureStopsStartup(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.Parley(t))
	cmd.Env = append(os.Environ(), "PARLEY_ADDR="+testenv.FreeAddr(t), "DATABASE_URL="+testenv.NewDatabase(t),
		"VALKEY_URL=", "PARLEY_ADMIN_ADDR="+ln.Addr().String())
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("parley started with its admin port taken:\n%s", out)
	}
	var last string
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		if l := sc.Text(); !strings.HasPrefix(l, "{") {
			last = l
		}
	}
	if !strings.HasPrefix(last, "parley: PARLEY_ADMIN_ADDR:") || !strings.Contains(last, ln.Addr().String()) {
		t.Fatalf("want one line naming PARLEY_ADMIN_ADDR and %s; output:\n%s", ln.Addr(), out)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// metric finds an unlabelled sample, or one written with its labels, in
// the text format.
func metric(body, name string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

func register(t *testing.T, base string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"username": "memwatch", "password": "correct horse"})
	res, err := http.Post(base+"/api/v1/auth/register", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %v", res.StatusCode, err)
	}
	return out.Token
}

// dial opens a socket and waits for ready, so the hub counts it.
func dial(t *testing.T, base, token string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, res, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?token="+token, nil)
	if res != nil {
		res.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ev struct{ Type string }
	if err := c.ReadJSON(&ev); err != nil || ev.Type != "ready" {
		t.Fatalf("first event %q: %v", ev.Type, err)
	}
	_ = c.SetReadDeadline(time.Time{})
	return c
}

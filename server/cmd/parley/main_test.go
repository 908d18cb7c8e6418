package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/server/pgtest"
)

// buildBinary compiles the real parley command once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "parley")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, base string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("parley exited before it was ready: %v", err)
		default:
		}
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("parley not ready at %s", base)
}

func TestMainServesAndDrains(t *testing.T) {
	bin := buildBinary(t)
	dsn := pgtest.NewDatabase(t)
	addr := freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PARLEY_ADDR="+addr, "DATABASE_URL="+dsn, "PARLEY_ARGON2_MEMORY_KIB=1024",
		"PARLEY_DB_MAX_OPEN=4", "PARLEY_DB_MAX_IDLE=4", "VALKEY_URL=", "PARLEY_INSTANCE=main-test")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	base := "http://" + addr
	waitReady(t, base, exited)

	body, _ := json.Marshal(map[string]string{"username": "mainuser", "password": "correct horse"})
	res, err := http.Post(base+"/api/v1/auth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		Token string `json:"token"`
	}
	err = json.NewDecoder(res.Body).Decode(&reg)
	res.Body.Close()
	if err != nil || res.StatusCode != 201 || res.Header.Get("X-Parley-Instance") != "main-test" {
		t.Fatalf("register: %d %v %v", res.StatusCode, res.Header, err)
	}
	checkBadResumePoint(t, base, reg.Token)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("parley exited with %v after SIGTERM; logs:\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("parley did not stop after SIGTERM")
	}
	for _, want := range []string{`"msg":"parley serving"`, `"msg":"parley draining"`, `"msg":"parley stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}

func TestMainRejectsBadConfig(t *testing.T) {
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "PARLEY_WS_PING_INTERVAL=often")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("parley started with a bad value: %s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "PARLEY_WS_PING_INTERVAL") {
		t.Fatalf("want one line naming the variable, got:\n%s", out)
	}
}

// checkBadResumePoint asks for an upgrade with a malformed resume point:
// the answer is the contract's JSON error naming the field, not an upgrade.
func checkBadResumePoint(t *testing.T, base, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/ws?resume=7:x&token="+token, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Code, Field string } `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("bad resume point: status %d, body not JSON: %v", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusUnprocessableEntity || body.Error.Code != "invalid" || body.Error.Field != "resume" {
		t.Fatalf("bad resume point: status %d, error %+v; want 422 invalid on field resume", res.StatusCode, body.Error)
	}
}

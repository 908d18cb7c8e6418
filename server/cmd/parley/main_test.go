package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

func TestMainServesAndDrains(t *testing.T) {
	var logs bytes.Buffer
	srv := testenv.RunServer(t, testenv.ServerOptions{
		Binary: testenv.Parley(t),
		Env: []string{"PARLEY_ARGON2_MEMORY_KIB=1024", "PARLEY_DB_MAX_OPEN=4", "PARLEY_DB_MAX_IDLE=4",
			"VALKEY_URL=", "PARLEY_INSTANCE=main-test"},
		Output: &logs,
	})
	base := srv.URL

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

	if err := srv.Stop(context.Background(), 20*time.Second); err != nil {
		t.Fatalf("parley exited with %v after SIGTERM; logs:\n%s", err, logs.String())
	}
	for _, want := range []string{`"msg":"parley serving"`, `"msg":"parley draining"`, `"msg":"parley stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}

func TestMainRejectsBadConfig(t *testing.T) {
	bin := testenv.Parley(t)
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

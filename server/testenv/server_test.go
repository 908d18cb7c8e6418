package testenv_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

func TestStartServer(t *testing.T) {
	t.Run("ErrExitsBeforeReady", func(t *testing.T) {
		sh, err := exec.LookPath("false")
		if err != nil {
			t.Fatal(err)
		}
		_, err = testenv.StartServer(context.Background(), testenv.ServerOptions{Binary: sh, ReadyWithin: 10 * time.Second})
		if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
			t.Fatalf("err = %v, want an exit before ready", err)
		}
	})
}

func TestProcessStop(t *testing.T) {
	t.Run("ErrKilledAfterGrace", func(t *testing.T) {
		cmd := exec.Command("sh", "-c", `trap "" TERM; echo trapped; while :; do sleep 0.05; done`)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		p, err := testenv.StartProcess(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			t.Fatalf("the shell never installed its trap: %v", err)
		}
		if err := p.Stop(context.Background(), 300*time.Millisecond); !errors.Is(err, testenv.ErrKilled) {
			t.Fatalf("err = %v, want ErrKilled", err)
		}
		if !p.Exited() {
			t.Fatal("Stop returned before the exit")
		}
	})
	t.Run("OKExitStatus", func(t *testing.T) {
		p, err := testenv.StartProcess(exec.Command("sleep", "30"))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Stop(context.Background(), 5*time.Second); err == nil {
			t.Fatal("a process ended by SIGTERM reported status 0")
		}
	})
}

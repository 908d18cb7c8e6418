package clustertest_test

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// process is a started child whose exit is observed once, by one goroutine.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the exit error, valid after done
}

// startProcess starts cmd in its own process group and registers a cleanup
// that stops it with SIGTERM and, after grace, kills the whole group, so
// nothing it started outlives the test.
func startProcess(tb testing.TB, cmd *exec.Cmd, grace time.Duration) *process {
	tb.Helper()
	// Pdeathsig: if the test binary itself dies (a -timeout panic), the
	// child still hears about it and stops what it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", cmd.Path, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() { p.stop(tb, grace) })
	return p
}

// stop asks the process to end and waits at most grace before killing its
// process group; it always waits for the exit so no goroutine is left.
func (p *process) stop(tb testing.TB, grace time.Duration) {
	tb.Helper()
	pgid := p.cmd.Process.Pid
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			tb.Errorf("%s did not stop within %v; killing it", p.cmd.Path, grace)
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
	}
	// Anything left in the group (e.g. a replica whose parent was killed).
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		tb.Logf("kill process group %d: %v", pgid, err)
	}
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

package testenv

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// ErrKilled is returned by Process.Stop when the process ignored SIGTERM
// for the whole grace period and was killed.
var ErrKilled = errors.New("ignored SIGTERM and was killed")

// Process is a started child whose exit is observed once, by one goroutine.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the exit error, valid after done
}

// StartProcess starts cmd in its own process group, so that Stop can end
// whatever it started too.
func StartProcess(cmd *exec.Cmd) (*Process, error) {
	// Pdeathsig: if this process dies (a test's -timeout panic), the child
	// still hears about it and stops what it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("testenv: start %s: %w", cmd.Path, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// RunProcess starts cmd like StartProcess and stops it when the test ends,
// failing the test if it had to be killed after grace.
func RunProcess(tb testing.TB, cmd *exec.Cmd, grace time.Duration) *Process {
	tb.Helper()
	p, err := StartProcess(cmd)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := p.Stop(context.Background(), grace); errors.Is(err, ErrKilled) {
			tb.Errorf("%v", err)
		}
	})
	return p
}

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the exit error, nil for status 0; valid once Done is closed.
func (p *Process) Err() error { return p.err }

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM and waits for the exit, killing the process group
// after grace (ErrKilled) or when ctx ends; it returns the exit error. It
// always waits for the exit, then kills anything left in the group (e.g. a
// child whose parent was killed). Stopping a stopped process returns its
// exit error again.
func (p *Process) Stop(ctx context.Context, grace time.Duration) error {
	pgid := p.PID()
	var err error
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			err = fmt.Errorf("testenv: %s %w after %v", p.cmd.Path, ErrKilled, grace)
		case <-ctx.Done():
			err = fmt.Errorf("testenv: stop %s: %w", p.cmd.Path, ctx.Err())
		}
		if err != nil {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if err != nil {
		return err
	}
	return p.err
}

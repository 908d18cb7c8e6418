package app

import (
	"runtime"
	"syscall"
)

// onBackgroundThread runs fn on an OS thread of its own whose scheduling
// priority is lowered by nice (1–19), and waits for it. Password hashing
// is the one CPU-bound job a replica does for people who are not connected
// yet; at a lower priority the kernel gives the cores to the connected
// users' messages first — in this process, in the other replicas on the
// host and in PostgreSQL — and hashing takes what is left.
//
// The thread is never handed back: the goroutine exits still locked to it,
// so the Go runtime terminates the thread instead of reusing it for other
// goroutines at the lowered priority (an unprivileged process cannot raise
// it back). A thread costs tens of microseconds to make; a hash, tens of
// milliseconds.
func onBackgroundThread(nice int, fn func()) threadRun {
	done := make(chan threadRun, 1)
	go func() {
		runtime.LockOSThread()
		// Deliberately no UnlockOSThread: see above.
		tid := syscall.Gettid()
		at := -1
		if syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice) == nil {
			// The raw system call answers 20 - nice.
			if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
				at = 20 - p
			}
		}
		fn()
		done <- threadRun{tid: tid, nice: at}
	}()
	return <-done
}

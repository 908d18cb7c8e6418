package testenv

import "sync"

// tailWriter keeps the last max bytes written to it, so that a failure can
// show how a server ended without holding all of its output.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// Write keeps p's end; it never fails, so the child's output never blocks.
func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - w.max; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

// String returns what is kept.
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

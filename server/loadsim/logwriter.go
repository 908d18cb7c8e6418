package loadsim

import (
	"io"
	"sync"
)

// lineWriter lets the progress loop, the phase runner and every user's
// goroutine print to one writer: each Write is one whole line and none
// overlaps another, whatever the writer underneath promises.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

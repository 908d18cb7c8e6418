package hub

import (
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/chat"
)

// kickLocked wakes the writer, or starts one.
func (c *conn) kickLocked() {
	if c.finished {
		return
	}
	if c.writing {
		select {
		case c.wake <- struct{}{}:
		default:
		}
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.writeLoop()
}

// writerLinger is how long a writer waits for more frames before it ends:
// a busy connection keeps its writer, an idle one costs no goroutine.
const writerLinger = time.Second

// writeLoop drains the queue and ends when it is empty; it is the only
// goroutine writing to the socket (besides the library's own control
// frames).
func (c *conn) writeLoop() {
	defer c.writers.Done()
	linger := time.NewTimer(writerLinger)
	defer linger.Stop()
	for {
		c.mu.Lock()
		if c.closed() {
			first := !c.finished
			c.finished, c.writing, c.q = true, false, nil
			c.mu.Unlock()
			if first {
				c.finish()
			}
			return
		}
		if len(c.q) == 0 {
			c.mu.Unlock()
			linger.Reset(writerLinger)
			select {
			case <-c.wake:
				continue
			case <-c.done:
				continue
			case <-linger.C:
			}
			c.mu.Lock()
			if len(c.q) > 0 || c.closed() {
				c.mu.Unlock()
				continue
			}
			// Idle now: give a burst's big buffers back.
			if cap(c.q) > 64 {
				c.q = nil
			}
			if cap(c.spare) > 64 {
				c.spare = nil
			}
			c.writing = false
			c.mu.Unlock()
			return
		}
		batch := c.q
		c.q = c.spare[:0]
		c.mu.Unlock()
		if !c.closed() {
			if err := c.writeBatch(batch); err != nil {
				c.close(closeGoingAway, "write failed")
			}
		}
		clear(batch)
		// Only one writer runs at a time, so spare is this goroutine's.
		c.spare = batch[:0]
	}
}

// writeBatch writes everything a drain took from the queue. Frames are
// framed here and go out together in one system call, which is most of
// what a delivery costs; only a frame to be compressed takes the library's
// path, which keeps the deflate done once per broadcast. Each Write on the
// socket is atomic against the library's own control frames (a pong), so
// frames never interleave.
func (c *conn) writeBatch(batch []*outFrame) error {
	bp := writeBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledWriteBuf {
			*bp = (*bp)[:0]
			writeBufs.Put(bp)
		}
	}()
	buf := (*bp)[:0]
	start := 0 // batch[start:] are not yet written
	flush := func(end int) error {
		if len(buf) > 0 {
			nc := c.ws.NetConn()
			if err := nc.SetWriteDeadline(time.Now().Add(c.h.o.WriteTimeout)); err != nil {
				return err
			}
			if _, err := nc.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		c.observeWritten(batch[start:end])
		start = end
		return nil
	}
	for i, f := range batch {
		switch {
		case f == pingFrame:
			buf = appendFrame(buf, opPing, nil)
		case f.pm != nil && f.compress:
			if err := flush(i); err != nil {
				return err
			}
			if err := c.writeCompressed(f); err != nil {
				return err
			}
			c.observeWritten(batch[i : i+1])
			start = i + 1
		default:
			buf = appendFrame(buf, opText, f.data)
		}
	}
	err := flush(len(batch))
	*bp = buf
	return err
}

// observeWritten records the write stage of the measured frames just
// written.
func (c *conn) observeWritten(frames []*outFrame) {
	var now time.Time
	for _, f := range frames {
		if f.at.IsZero() {
			continue
		}
		if now.IsZero() {
			now = time.Now()
		}
		stage := chat.StageWrite
		if f.ack {
			stage = chat.StageAckWrite
		}
		c.h.m.observeStage(stage, now.Sub(f.at))
	}
}

// finish sends the close frame and gives the client a moment to answer it
// before the reader gives up.
func (c *conn) finish() {
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// writeCompressed writes a prepared frame through the library, which
// deflates it once per broadcast for the connections that negotiated
// permessage-deflate and sends it plain to the others.
func (c *conn) writeCompressed(f *outFrame) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.h.o.WriteTimeout)); err != nil {
		return err
	}
	// A no-op unless the client negotiated permessage-deflate.
	c.ws.EnableWriteCompression(true)
	err := c.ws.WritePreparedMessage(f.pm)
	c.ws.EnableWriteCompression(false)
	return err
}

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
		for i, f := range batch {
			batch[i] = nil
			if c.closed() {
				break
			}
			if err := c.write(f); err != nil {
				c.close(closeGoingAway, "write failed")
				break
			}
			if !f.at.IsZero() {
				stage := chat.StageWrite
				if f.ack {
					stage = chat.StageAckWrite
				}
				c.h.m.observeStage(stage, time.Since(f.at))
			}
		}
		// Only one writer runs at a time, so spare is this goroutine's.
		c.spare = batch[:0]
	}
}

// finish sends the close frame and gives the client a moment to answer it
// before the reader gives up.
func (c *conn) finish() {
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

func (c *conn) write(f *outFrame) error {
	if f == pingFrame {
		return c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.h.o.WriteTimeout))
	}
	if err := c.ws.SetWriteDeadline(time.Now().Add(c.h.o.WriteTimeout)); err != nil {
		return err
	}
	if f.pm != nil {
		if !f.compress {
			return c.ws.WritePreparedMessage(f.pm)
		}
		// A no-op unless the client negotiated permessage-deflate.
		c.ws.EnableWriteCompression(true)
		err := c.ws.WritePreparedMessage(f.pm)
		c.ws.EnableWriteCompression(false)
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, f.data)
}

package hub

import (
	"encoding/binary"
	"sync"
)

// WebSocket opcodes of the frames the writer builds itself (RFC 6455 §5.2).
const (
	opText = 0x1
	opPing = 0x9
)

// appendFrame appends one final, unmasked server frame: a server never
// masks, so a frame is a 2-, 4- or 10-byte header and the payload as is.
func appendFrame(b []byte, op byte, payload []byte) []byte {
	b = append(b, 0x80|op)
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// writeBufs lends the writers the buffer a batch is framed into, so that an
// idle connection holds none.
var writeBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledWriteBuf keeps one huge batch from pinning its buffer forever.
const maxPooledWriteBuf = 64 << 10

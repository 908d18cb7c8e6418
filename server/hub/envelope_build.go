package hub

import "encoding/binary"

// buildEnvelope encodes v once, straight after room for the header, so the
// frame is never copied on its way to the broker.
func (h *Hub) buildEnvelope(kind byte, a, b, c int64, rooms []int64, v any) ([]byte, error) {
	n := envelopeHeader + 8*len(rooms)
	buf, err := encodeAfter(n, v)
	if err != nil {
		return nil, err
	}
	if kind == kindPresence {
		b = int64(len(rooms))
	}
	buf[0] = kind
	binary.LittleEndian.PutUint64(buf[1:], h.origin)
	binary.LittleEndian.PutUint64(buf[9:], uint64(a))
	binary.LittleEndian.PutUint64(buf[17:], uint64(b))
	binary.LittleEndian.PutUint64(buf[25:], uint64(c))
	for i, r := range rooms {
		binary.LittleEndian.PutUint64(buf[envelopeHeader+8*i:], uint64(r))
	}
	return buf, nil
}

// rawEnvelope builds an envelope whose frame is raw bytes for the hubs
// themselves rather than a client frame.
func (h *Hub) rawEnvelope(kind byte, a int64, raw []byte) []byte {
	buf := make([]byte, envelopeHeader+len(raw))
	buf[0] = kind
	binary.LittleEndian.PutUint64(buf[1:], h.origin)
	binary.LittleEndian.PutUint64(buf[9:], uint64(a))
	copy(buf[envelopeHeader:], raw)
	return buf
}

package hub

import (
	"encoding/binary"
	"errors"
)

// An envelope is what travels through the broker: a fixed binary header that
// routes it, then the client frame, already encoded, that every receiving
// replica writes as is.
//
//	kind u8 | origin u64 | a i64 | b i64 | c i64 | rooms [b]i64 (presence only) | frame
type envelope struct {
	kind   byte
	origin uint64
	a      int64
	b      int64
	c      int64
	rooms  []int64
	frame  []byte
}

// Envelope kinds and the meaning of a, b, c for each.
const (
	kindMessage      byte = 1 + iota // a room, b seq, c commit time (Unix µs)
	kindRoomEvent                    // a room, c user to skip (0: none)
	kindUserEvent                    // a user, b a room the connection must be subscribed to (0: none)
	kindJoined                       // a user, b room, c room's last seq
	kindLeft                         // a user, b room
	kindPresence                     // a user, b len(rooms): to local members of those rooms
	kindSessionEnded                 // a user; the frame is the session ID, not a client frame
	kindResync                       // no fields: events of the sender were lost, re-check everyone
	kindLossyEvent                   // as kindRoomEvent, for state the client can do without (presence, typing)
	kindLast         = kindLossyEvent
)

const envelopeHeader = 1 + 8 + 8 + 8 + 8

var errShortEnvelope = errors.New("hub: envelope too short")

// maxPresenceRooms bounds the room list a presence envelope may claim, so a
// corrupt header cannot make a receiver allocate without limit.
const maxPresenceRooms = 1 << 16

// decodeEnvelope reads an envelope; frame aliases b.
func decodeEnvelope(b []byte) (envelope, error) {
	if len(b) < envelopeHeader || b[0] < kindMessage || b[0] > kindLast {
		return envelope{}, errShortEnvelope
	}
	e := envelope{
		kind:   b[0],
		origin: binary.LittleEndian.Uint64(b[1:]),
		a:      int64(binary.LittleEndian.Uint64(b[9:])),
		b:      int64(binary.LittleEndian.Uint64(b[17:])),
		c:      int64(binary.LittleEndian.Uint64(b[25:])),
	}
	rest := b[envelopeHeader:]
	if e.kind == kindPresence {
		if e.b < 0 || e.b > maxPresenceRooms || int64(len(rest)) < 8*e.b {
			return envelope{}, errShortEnvelope
		}
		e.rooms = make([]int64, e.b)
		for i := range e.rooms {
			e.rooms[i] = int64(binary.LittleEndian.Uint64(rest[8*i:]))
		}
		rest = rest[8*e.b:]
	}
	e.frame = rest
	return e, nil
}

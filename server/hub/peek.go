package hub

// PeekRoom reads what a broker payload says about a room's history without
// decoding the rest: room is the room, and sent tells a new message from
// another change to the room (an edit, a delete, a member event). ok is
// false for any other payload. It lets a replica's caches learn of a change
// before its sockets do.
func PeekRoom(payload []byte) (room int64, sent, ok bool) {
	if len(payload) < envelopeHeader {
		return 0, false, false
	}
	switch payload[0] {
	case kindMessage, kindRoomEvent:
		e, err := decodeEnvelope(payload)
		if err != nil {
			return 0, false, false
		}
		return e.a, e.kind == kindMessage, true
	}
	return 0, false, false
}

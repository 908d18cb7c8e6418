package hub

// Change is what a broker payload says changed in the store, as PeekChange
// reads it.
type Change int

// Changes a broker payload may announce.
const (
	ChangeNone       Change = iota
	ChangeSent              // a new message in a room
	ChangeRoom              // another change to a room: an edit, a delete, a member event
	ChangeMembership        // a user joined or left a room
)

// PeekChange reads what a broker payload says changed, without decoding the
// rest: the room for ChangeSent and ChangeRoom, the user and room for
// ChangeMembership. It lets a replica's caches learn of a change before its
// sockets do.
func PeekChange(payload []byte) (c Change, room, user int64) {
	if len(payload) < envelopeHeader {
		return ChangeNone, 0, 0
	}
	e, err := decodeEnvelope(payload)
	if err != nil {
		return ChangeNone, 0, 0
	}
	switch e.kind {
	case kindMessage:
		return ChangeSent, e.a, 0
	case kindRoomEvent:
		return ChangeRoom, e.a, 0
	case kindJoined, kindLeft:
		return ChangeMembership, e.b, e.a
	}
	return ChangeNone, 0, 0
}

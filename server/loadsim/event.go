package loadsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// event is a server → client WebSocket frame, only the fields read here.
type event struct {
	Type     string `json:"type"`
	ClientID string `json:"client_id"`
	Code     string `json:"code"`
	// RetryAfter is a rate_limited error's wait in whole seconds.
	RetryAfter int              `json:"retry_after"`
	Message    *wireMessage     `json:"message"`
	Rooms      map[string]int64 `json:"rooms"`
	Room       *wireRoom        `json:"room"`
	// A reaction event's fields, and a reaction_batch's groups.
	RoomID    int64           `json:"room_id"`
	Seq       int64           `json:"seq"`
	Emoji     string          `json:"emoji"`
	User      *wireUser       `json:"user"`
	Added     bool            `json:"added"`
	Reactions []reactionGroup `json:"reactions"`
}

// messageBody builds a body of about size bytes that carries its send
// time, so any receiver can measure delivery latency without a shared
// table: "t=<unix nanoseconds>;u=<user>; " then two words of bodyWords
// (what the model's searches look for) and padding.
func messageBody(at time.Time, user, size int) string {
	var b strings.Builder
	b.Grow(size)
	b.WriteString("t=")
	b.WriteString(strconv.FormatInt(at.UnixNano(), 10))
	b.WriteString(";u=")
	b.WriteString(strconv.Itoa(user))
	b.WriteString("; ")
	ns := at.UnixNano()
	b.WriteString(bodyWords[ns%int64(len(bodyWords))])
	b.WriteByte(' ')
	b.WriteString(bodyWords[(ns/7)%int64(len(bodyWords))])
	b.WriteByte(' ')
	for b.Len() < size {
		b.WriteByte('x')
	}
	return b.String()
}

// bodyWords is the vocabulary of the simulator's messages and searches.
var bodyWords = []string{
	"deploy", "release", "review", "meeting", "coffee", "lunch", "budget", "design",
	"incident", "rollback", "database", "latency", "customer", "invoice", "roadmap", "sprint",
	"ticket", "branch", "merge", "staging", "monitor", "alert", "backup", "network",
	"printer", "laptop", "holiday", "weekend", "morning", "standup", "planning", "retro",
}

// sentAt reads the send time from a body made by messageBody; zero when
// the body carries none (an edited or foreign message).
func sentAt(body string) time.Time {
	if !strings.HasPrefix(body, "t=") {
		return time.Time{}
	}
	end := strings.IndexByte(body, ';')
	if end < 0 {
		return time.Time{}
	}
	ns, err := strconv.ParseInt(body[2:end], 10, 64)
	if err != nil || ns <= 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

var (
	msgPrefix  = []byte(`{"type":"message",`)
	keyRoomID  = []byte(`"room_id":`)
	keySeq     = []byte(`"seq":`)
	keyBodyT   = []byte(`"body":"t=`)
	errNoField = fmt.Errorf("field not found")
)

// fastMessage extracts room, seq and send time from a "message" event
// without a full JSON decode: at a hundred thousand deliveries a second the
// load generator shares two cores with the server, and decoding would be
// most of its work. ok is false when the frame has another shape; the
// caller then decodes it fully.
func fastMessage(b []byte) (room, seq int64, sent time.Time, ok bool) {
	if !bytes.HasPrefix(b, msgPrefix) {
		return 0, 0, time.Time{}, false
	}
	room, err1 := intAfter(b, keyRoomID)
	seq, err2 := intAfter(b, keySeq)
	if err1 != nil || err2 != nil {
		return 0, 0, time.Time{}, false
	}
	if ns, err := intAfter(b, keyBodyT); err == nil && ns > 0 {
		sent = time.Unix(0, ns)
	}
	return room, seq, sent, true
}

func intAfter(b, key []byte) (int64, error) {
	i := bytes.Index(b, key)
	if i < 0 {
		return 0, errNoField
	}
	i += len(key)
	for i < len(b) && b[i] == ' ' {
		i++
	}
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == i {
		return 0, errNoField
	}
	return strconv.ParseInt(string(b[i:j]), 10, 64)
}

func decodeEvent(b []byte) (event, error) {
	var ev event
	if err := json.Unmarshal(b, &ev); err != nil {
		return ev, fmt.Errorf("ws: decode event: %w", err)
	}
	return ev, nil
}

// roomSeqs converts the string-keyed room map of ready events.
func roomSeqs(m map[string]int64) map[int64]int64 {
	out := make(map[int64]int64, len(m))
	for k, v := range m {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil {
			out[id] = v
		}
	}
	return out
}

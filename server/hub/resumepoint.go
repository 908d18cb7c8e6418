package hub

import (
	"strconv"
	"strings"

	"github.com/parleychat/parley/server/chat"
)

// ResumeParam is the query parameter of GET /ws that carries the client's
// resume point: "<room_id>:<seq>,<room_id>:<seq>,…", the last seq of each
// room the client holds without a gap. Named at connect, a room is replayed
// before any live message of it is delivered, so that replayed and live
// messages reach the client strictly in seq order.
const ResumeParam = "resume"

// resumeLocal is the locals key under which the parsed resume point waits
// for the upgraded connection.
const resumeLocal = "parley.resume"

// ParseResumePoint parses the value of ResumeParam. An empty value names no
// room. Its errors are EINVALID with the field "resume".
func ParseResumePoint(s string) (map[int64]int64, error) {
	if s == "" {
		return nil, nil
	}
	if n := strings.Count(s, ",") + 1; n > MaxResumeRooms {
		return nil, chat.Invalid(ResumeParam, "At most %d rooms per resume.", MaxResumeRooms)
	}
	out := make(map[int64]int64)
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			return nil, chat.Invalid(ResumeParam, "resume must list room_id:seq pairs separated by commas.")
		}
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil || id <= 0 {
			return nil, chat.Invalid(ResumeParam, "Room ids in resume must be positive integers.")
		}
		seq, err := strconv.ParseInt(v, 10, 64)
		if err != nil || seq < 0 {
			return nil, chat.Invalid(ResumeParam, "Seqs in resume must be non-negative integers.")
		}
		if _, dup := out[id]; dup {
			return nil, chat.Invalid(ResumeParam, "Room %d appears twice in resume.", id)
		}
		out[id] = seq
	}
	return out, nil
}

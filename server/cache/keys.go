package cache

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// epochKey is the version in every cached answer's key: bumping it retires
// everything at once, which is how the cache recovers after bumps were lost.
const epochKey = "v:epoch"

// Version keys. Each names what a write changes; see docs/caching.md.
func roomSeqKey(room int64) string     { return "v:rs:" + itoa(room) } // a send: last_seq
func roomRevKey(room int64) string     { return "v:rr:" + itoa(room) } // an edit, a delete, metadata: rev
func roomMembersKey(room int64) string { return "v:rm:" + itoa(room) } // who belongs to the room
func userKey(user int64) string        { return "v:u:" + itoa(user) }  // any membership row of the user
func userRoomsKey(user int64) string   { return "v:ur:" + itoa(user) } // which rooms the user belongs to
func sessionKey(hash []byte) string    { return "v:s:" + hex.EncodeToString(hash) }

const (
	publicKey = "v:pub"   // the public directory
	usersKey  = "v:users" // the set of users, for search
)

// token renders versions for a value key.
func token(vs ...Version) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(uint64(v), 36))
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// key joins the parts of a value key with ':'.
func key(parts ...string) string { return strings.Join(parts, ":") }

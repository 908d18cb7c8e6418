package cache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// CreateRoom stores a room, then retires the owner's room list and any
// remembered absence of the new id.
func (s *Stores) CreateRoom(ctx context.Context, ownerID int64, name, topic, kind string) (*chat.Room, error) {
	r, err := s.inner.CreateRoom(ctx, ownerID, name, topic, kind)
	switch {
	case err == nil:
		s.kinds.put(r.ID, r.Kind)
		keys := []string{userKey(ownerID), userRoomsKey(ownerID), roomSeqKey(r.ID), roomRevKey(r.ID), roomMembersKey(r.ID)}
		if r.Kind == chat.RoomPublic {
			keys = append(keys, publicKey)
		}
		s.bump(ctx, keys...)
	case mayHaveCommitted(err):
		s.bump(ctx, userKey(ownerID), userRoomsKey(ownerID), publicKey)
	}
	return r, err
}

// FindRoom answers from the cache; a room's version is its last_seq and
// rev, so every send, edit and delete retires the cached room.
func (s *Stores) FindRoom(ctx context.Context, id int64) (*chat.Room, error) {
	const kind = "room"
	vs, ok := s.versionsIfUsable(ctx, kind, roomSeqKey(id), roomRevKey(id))
	if !ok {
		return s.inner.FindRoom(ctx, id)
	}
	r, err := read(ctx, s, spec[*chat.Room]{
		kind: kind, key: key(kind, itoa(id), token(vs...)), ttl: s.ttl.Room,
		load:     func(ctx context.Context) (*chat.Room, error) { return s.inner.FindRoom(ctx, id) },
		notFound: true,
	})
	if err == nil {
		s.kinds.put(r.ID, r.Kind)
	}
	return r, err
}

// UserRooms answers from the cache. The answer depends on the user's
// memberships and on every one of their rooms, so it is keyed by the user's
// versions and by a hash of those rooms' versions; which rooms those are is
// itself cached per membership version. The first read after a join or a
// leave only learns the rooms, so it loads without storing.
func (s *Stores) UserRooms(ctx context.Context, userID int64) ([]chat.Room, error) {
	const kind = "rooms"
	vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, userKey(userID), userRoomsKey(userID))
	if !ok {
		return s.inner.UserRooms(ctx, userID)
	}
	ids, rooms, err := s.userRoomIDs(ctx, userID, key("roomids", itoa(userID), token(vs[0], vs[2])), asOf)
	if err != nil || rooms != nil {
		return rooms, err
	}
	keys := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		keys = append(keys, roomSeqKey(id), roomRevKey(id))
	}
	rvs, roomsAsOf, ok := s.versionsAt(ctx, keys...)
	if !ok {
		s.m.Bypassed(kind)
		return s.inner.UserRooms(ctx, userID)
	}
	return read(ctx, s, spec[[]chat.Room]{
		kind: kind, key: key(kind, itoa(userID), token(vs...), hashVersions(rvs)), ttl: s.ttl.Membership,
		asOf: later(asOf, roomsAsOf),
		load: func(ctx context.Context) ([]chat.Room, error) { return s.inner.UserRooms(ctx, userID) },
		// A join or leave between the version read and the load changes the
		// rooms; that answer belongs to no key read so far.
		keep: func(rooms []chat.Room) bool { return slices.Equal(roomIDs(rooms), ids) },
	})
}

// userRoomIDs returns the ids of the user's rooms cached under idsKey, or,
// if they are not cached, loads the rooms once for every concurrent caller,
// caches their ids, and returns the rooms themselves.
func (s *Stores) userRoomIDs(ctx context.Context, userID int64, idsKey string, asOf time.Time) ([]int64, []chat.Room, error) {
	if v, _, ok := s.local.get(idsKey); ok {
		return v.([]int64), nil, nil // never changed by the caller
	}
	b, ok, err := s.get(ctx, idsKey)
	if err != nil {
		s.m.Bypassed("rooms")
		rooms, err := s.inner.UserRooms(ctx, userID)
		return nil, rooms, err
	}
	if !ok {
		ch := s.flights.DoChan(idsKey, func() (any, error) {
			return s.fill(ctx, "roomids", idsKey, s.ttl.Membership, false, asOf, func(ctx context.Context) ([]byte, bool, error) {
				rooms, err := s.inner.UserRooms(ctx, userID)
				if err != nil {
					return nil, false, err
				}
				if rooms == nil {
					rooms = []chat.Room{}
				}
				ids, _ := json.Marshal(roomIDs(rooms))
				s.set(ctx, idsKey, append([]byte{tagValue}, ids...), s.ttl.Membership)
				all, err := json.Marshal(rooms)
				return append([]byte{tagRooms}, all...), false, err
			})
		})
		select {
		case r := <-ch:
			if r.Err != nil {
				return nil, nil, r.Err
			}
			b = r.Val.([]byte)
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if len(b) > 0 && b[0] == tagRooms {
		var rooms []chat.Room
		if err := json.Unmarshal(b[1:], &rooms); err != nil {
			return nil, nil, fmt.Errorf("cache: decode rooms: %w", err)
		}
		return nil, rooms, nil
	}
	ids, err := decode[[]int64](b)
	if err == nil {
		s.local.put(idsKey, ids, nil, len(b), s.ttl.Membership)
	}
	return ids, nil, err
}

// tagRooms marks a room list handed from a shared load to its waiters; it
// is never stored.
const tagRooms = 'r'

func roomIDs(rooms []chat.Room) []int64 {
	ids := make([]int64, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID
	}
	return ids
}

// hashVersions shortens the versions of many rooms to a key part.
func hashVersions(vs []Version) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range vs {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// PublicRooms answers from the cache; creating a public room and any change
// to one (a send included: the directory shows last_seq) retire it.
func (s *Stores) PublicRooms(ctx context.Context) ([]chat.Room, error) {
	const kind = "public"
	vs, asOf, ok := s.versionsIfUsableAt(ctx, kind, publicKey)
	if !ok {
		return s.inner.PublicRooms(ctx)
	}
	return read(ctx, s, spec[[]chat.Room]{
		kind: kind, key: key(kind, token(vs...)), ttl: s.ttl.Public, asOf: asOf,
		load: s.inner.PublicRooms,
	})
}

// FindMembership answers from the cache, absences included: the send path
// and every room read ask it.
func (s *Stores) FindMembership(ctx context.Context, roomID, userID int64) (*chat.Membership, error) {
	const kind = "membership"
	vs, ok := s.versionsIfUsable(ctx, kind, userKey(userID))
	if !ok {
		return s.inner.FindMembership(ctx, roomID, userID)
	}
	return read(ctx, s, spec[*chat.Membership]{
		kind: kind, key: key(kind, itoa(roomID), itoa(userID), token(vs...)), ttl: s.ttl.Membership,
		load: func(ctx context.Context) (*chat.Membership, error) {
			return s.inner.FindMembership(ctx, roomID, userID)
		},
		notFound: true,
	})
}

// MemberRole answers from the cache, keyed by the version of the user's
// set of rooms: only joining, leaving or being added changes it, so sends
// and read markers leave it cached.
func (s *Stores) MemberRole(ctx context.Context, roomID, userID int64) (string, error) {
	const kind = "role"
	vs, ok := s.versionsIfUsable(ctx, kind, userRoomsKey(userID))
	if !ok {
		return s.inner.MemberRole(ctx, roomID, userID)
	}
	return read(ctx, s, spec[string]{
		kind: kind, key: key(kind, itoa(roomID), itoa(userID), token(vs...)), ttl: s.ttl.Membership,
		load: func(ctx context.Context) (string, error) {
			return s.inner.MemberRole(ctx, roomID, userID)
		},
		notFound: true,
	})
}

// AddMember adds a member, then retires their memberships and room list
// and the room's member list.
func (s *Stores) AddMember(ctx context.Context, roomID, userID int64, role string) (bool, error) {
	added, err := s.inner.AddMember(ctx, roomID, userID, role)
	if added || mayHaveCommitted(err) {
		s.bump(ctx, userKey(userID), userRoomsKey(userID), roomMembersKey(roomID))
	}
	return added, err
}

// RemoveMember removes a member and retires the same as AddMember.
func (s *Stores) RemoveMember(ctx context.Context, roomID, userID int64) (bool, error) {
	removed, err := s.inner.RemoveMember(ctx, roomID, userID)
	if removed || mayHaveCommitted(err) {
		s.bump(ctx, userKey(userID), userRoomsKey(userID), roomMembersKey(roomID))
	}
	return removed, err
}

// Members answers from the cache until someone joins or leaves the room.
func (s *Stores) Members(ctx context.Context, roomID int64) ([]chat.User, error) {
	const kind = "members"
	vs, ok := s.versionsIfUsable(ctx, kind, roomMembersKey(roomID))
	if !ok {
		return s.inner.Members(ctx, roomID)
	}
	return read(ctx, s, spec[[]chat.User]{
		kind: kind, key: key(kind, itoa(roomID), token(vs...)), ttl: s.ttl.Membership,
		load:     func(ctx context.Context) ([]chat.User, error) { return s.inner.Members(ctx, roomID) },
		notFound: true,
	})
}

// DirectRoom is not cached (it may create the room); creating one retires
// both users' room lists.
func (s *Stores) DirectRoom(ctx context.Context, userA, userB int64) (*chat.Room, bool, error) {
	r, created, err := s.inner.DirectRoom(ctx, userA, userB)
	if created || mayHaveCommitted(err) {
		keys := []string{userKey(userA), userRoomsKey(userA), userKey(userB), userRoomsKey(userB)}
		if r != nil {
			keys = append(keys, roomSeqKey(r.ID), roomRevKey(r.ID), roomMembersKey(r.ID))
		}
		s.bump(ctx, keys...)
	}
	if err == nil {
		s.kinds.put(r.ID, r.Kind)
	}
	return r, created, err
}

// MarkRead moves a read marker, then retires the user's memberships (and so
// their unread counts).
func (s *Stores) MarkRead(ctx context.Context, roomID, userID, seq int64) (bool, error) {
	moved, err := s.inner.MarkRead(ctx, roomID, userID, seq)
	if moved || mayHaveCommitted(err) {
		s.bump(ctx, userKey(userID))
	}
	return moved, err
}

// mayHaveCommitted reports whether a failed write may still have changed
// the store: a domain error is a refusal, but an internal error or an
// unavailable database (a connection lost after COMMIT was sent) may not
// be.
func mayHaveCommitted(err error) bool {
	if err == nil {
		return false
	}
	code := chat.ErrorCode(err)
	return code == chat.EINTERNAL || code == chat.EUNAVAILABLE
}

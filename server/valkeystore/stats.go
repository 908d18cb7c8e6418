package valkeystore

import (
	"context"
	"fmt"
	"time"

	"github.com/valkey-io/valkey-go"
)

// Stats shares the replicas' stats snapshots through Valkey: one key per
// replica, written with a TTL, so a replica that stops publishing drops
// out on its own when the key expires.
type Stats struct {
	client valkey.Client
	prefix string
}

// NewStats keeps snapshots under prefix + "stats:".
func NewStats(client valkey.Client, prefix string) *Stats {
	return &Stats{client: client, prefix: prefix + "stats:"}
}

// Publish sets instance's snapshot for ttl: one round trip.
func (s *Stats) Publish(ctx context.Context, instance string, snapshot []byte, ttl time.Duration) error {
	cmd := s.client.B().Set().Key(s.prefix + instance).Value(valkey.BinaryString(snapshot)).Px(ttl).Build()
	if err := s.client.Do(ctx, cmd).Error(); err != nil {
		return fmt.Errorf("valkeystore: publish stats: %w", err)
	}
	return nil
}

// List finds the live snapshots with SCAN and reads them in one pipelined round trip.
// Only the dashboard asks, every 2 s at most per viewer, and there are as
// many keys as replicas, so SCAN's walk of the keyspace is acceptable.
func (s *Stats) List(ctx context.Context) ([][]byte, error) {
	var keys []string
	var cursor uint64
	for {
		cmd := s.client.B().Scan().Cursor(cursor).Match(s.prefix + "*").Count(1000).Build()
		entry, err := s.client.Do(ctx, cmd).AsScanEntry()
		if err != nil {
			return nil, fmt.Errorf("valkeystore: list stats: %w", err)
		}
		keys = append(keys, entry.Elements...)
		cursor = entry.Cursor
		if cursor == 0 {
			break
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	// One pipelined GET per key rather than MGET, which a Valkey Cluster
	// refuses across slots.
	cmds := make(valkey.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = s.client.B().Get().Key(k).Build()
	}
	out := make([][]byte, 0, len(keys))
	for _, r := range s.client.DoMulti(ctx, cmds...) {
		b, err := r.AsBytes()
		if valkey.IsValkeyNil(err) {
			// Expired between SCAN and GET: that replica just left.
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("valkeystore: read stats: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

package hub_test

import (
	"bytes"
	"testing"

	"github.com/parleychat/parley/server/hub"
)

// TestAppendFrame checks the writer's framing against RFC 6455 §5.2 at
// each boundary of the length encoding.
func TestAppendFrame(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		header []byte
	}{
		{"Empty", 0, []byte{0x81, 0}},
		{"Short", 125, []byte{0x81, 125}},
		{"Medium", 126, []byte{0x81, 126, 0, 126}},
		{"MediumMax", 0xffff, []byte{0x81, 126, 0xff, 0xff}},
		{"Long", 0x10000, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload := bytes.Repeat([]byte{'x'}, tc.n)
			got := hub.AppendFrame([]byte("prev"), 0x1, payload)
			want := append(append([]byte("prev"), tc.header...), payload...)
			if !bytes.Equal(got, want) {
				t.Fatalf("frame of %d bytes starts % x, want % x", tc.n, got[:min(len(got), 14)], want[:min(len(want), 14)])
			}
		})
	}
}

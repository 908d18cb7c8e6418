package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"time"
)

// TestHashAtLowPriority: a hash runs on a thread of its own at the
// configured nice value, gives the same answers as at normal priority, and
// that thread is gone afterwards, so no goroutine ever runs on it later at
// the lowered priority.
func TestHashAtLowPriority(t *testing.T) {
	params := PasswordParams{MemoryKiB: 64, Time: 1}
	h := newPasswordHasher(params, HashAdmission{Workers: 2, Queue: 2, Wait: time.Second, Nice: 7})
	ran := h.compute(func() {})
	if ran.nice != 7 || ran.tid == 0 {
		t.Fatalf("hash ran at nice %d on thread %d; want nice 7 on a thread it locked", ran.nice, ran.tid)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", ran.tid))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d that hashed at nice 7 still exists: it could run other goroutines at that priority", ran.tid)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The answers do not depend on the priority.
	encoded, err := h.hash(context.Background(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	normal := newPasswordHasher(params, HashAdmission{Workers: 1, Wait: time.Second})
	for _, c := range []struct {
		password string
		want     bool
	}{{"correct horse", true}, {"wrong horse", false}} {
		for name, hasher := range map[string]*passwordHasher{"low": h, "normal": normal} {
			ok, err := hasher.verify(context.Background(), c.password, encoded)
			if err != nil || ok != c.want {
				t.Errorf("%s priority: verify(%q) = %v, %v; want %v", name, c.password, ok, err, c.want)
			}
		}
	}
	if r := normal.compute(func() {}); r.nice != -1 || r.tid != 0 {
		t.Errorf("with nice 0 a hash ran on %+v; want the caller's thread", r)
	}
}

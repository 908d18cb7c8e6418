package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/parleychat/parley/server/admission"
)

// PasswordParams are the argon2id costs. Zero fields take the defaults.
type PasswordParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultPasswordParams follow the OWASP recommendation for argon2id
// (19 MiB, 2 passes, 1 lane).
var DefaultPasswordParams = PasswordParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

type passwordHasher struct {
	p PasswordParams
	// gate bounds concurrent hashes: each costs MemoryKiB of RAM and a
	// core, so a burst of sign-ins queues briefly and past that is refused
	// with unavailable, rather than exhausting the box and timing out.
	gate *admission.Gate
	// dummy is checked against when a username is unknown, so that the
	// answer takes as long as for a known one.
	dummy string
}

func newPasswordHasher(p PasswordParams, a HashAdmission) *passwordHasher {
	if p.MemoryKiB == 0 {
		p.MemoryKiB = DefaultPasswordParams.MemoryKiB
	}
	if p.Time == 0 {
		p.Time = DefaultPasswordParams.Time
	}
	if p.Threads == 0 {
		p.Threads = DefaultPasswordParams.Threads
	}
	if a.Workers <= 0 {
		a = DefaultHashAdmission()
	}
	if a.Wait <= 0 {
		a.Wait = DefaultHashAdmission().Wait
	}
	h := &passwordHasher{p: p, gate: admission.New(admission.Options{
		Name: "password", Slots: a.Workers, Queue: a.Queue, Wait: a.Wait, RetryAfter: a.RetryAfter,
		Message: "Too many people are signing in right now; try again in a moment.",
	})}
	h.dummy, _ = h.hash(context.Background(), "parley-dummy-password")
	return h
}

func (h *passwordHasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	if err := h.gate.Acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, 32)
	h.gate.Release()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// verify checks password against an encoded hash, using the costs recorded
// in the hash so that changing the defaults never locks anybody out.
func (h *passwordHasher) verify(ctx context.Context, password, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var mem, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &time, &threads); err != nil {
		return false, nil
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, nil
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, nil
	}
	if err := h.gate.Acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, time, mem, threads, uint32(len(want)))
	h.gate.Release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

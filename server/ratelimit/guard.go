package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// Windows of the fixed-window limits. Every key an unauthenticated request
// can create lives at most this long (or SignInMaxDelay for failures).
const (
	SignInWindow   = time.Minute
	RegisterWindow = 10 * time.Minute
	AnonWindow     = time.Minute
	FormWindow     = time.Minute
	// SignInBaseDelay is the first lock-out once the free failures are
	// spent; each further failure doubles it.
	SignInBaseDelay = time.Second
	// DefaultSignInMaxDelay is Rules.SignInMaxDelay when zero.
	DefaultSignInMaxDelay = 15 * time.Minute
	// addressFailureFactor: an address, which may be a whole office behind
	// NAT, gets this many times a username's free failures.
	addressFailureFactor = 4
)

// Rules are the abuse limits; a zero field turns its limit off.
type Rules struct {
	// SignInRate is sign-in attempts per client address per minute.
	SignInRate int
	// SignInFailures is how many failed sign-ins a username (an address:
	// four times as many) may have before each further failure locks it
	// out for a delay that doubles, from one second up to SignInMaxDelay.
	SignInFailures int
	// SignInMaxDelay caps a lock-out; failures are forgotten this long
	// after the last one.
	SignInMaxDelay time.Duration
	// RegisterRate is sign-ups per client address per 10 minutes.
	RegisterRate int
	// AnonRate is unauthenticated requests per client address per minute.
	AnonRate int
	// FormRate is server-rendered form posts per client address per minute.
	FormRate int
}

// Guard applies the abuse limits of the web layers, the same for the JSON
// API and the pages. If its store fails the request goes through: locking
// everyone out would be worse than a short time without a limit.
type Guard struct {
	limiter Limiter
	backoff Backoff
	r       Rules
	log     *slog.Logger
}

// NewGuard returns a Guard counting in limiter and backoff (in process or in
// Valkey). A nil *Guard limits nothing.
func NewGuard(limiter Limiter, backoff Backoff, r Rules, log *slog.Logger) *Guard {
	if log == nil {
		log = slog.Default()
	}
	if r.SignInMaxDelay <= 0 {
		r.SignInMaxDelay = DefaultSignInMaxDelay
	}
	return &Guard{limiter: limiter, backoff: backoff, r: r, log: log}
}

// SignIn runs attempt (a password check) unless ip or username is over its
// limit or locked out, and counts a failure when attempt answers
// EUNAUTHENTICATED. A success clears the username's failures; the
// address's stay, or one valid account would let its owner reset them
// between guesses at others.
func (g *Guard) SignIn(ctx context.Context, ip, username string, attempt func() error) error {
	if g == nil {
		return attempt()
	}
	if err := g.allow(ctx, "signin:"+ip, g.r.SignInRate, SignInWindow, "Too many sign-in attempts; try again later."); err != nil {
		return err
	}
	userKey, ipKey := "signin:user:"+usernameKey(username), "signin:ip:"+ip
	if g.backoff != nil && g.r.SignInFailures > 0 {
		for _, key := range []string{userKey, ipKey} {
			wait, err := g.backoff.Locked(ctx, key)
			if err != nil {
				g.log.WarnContext(ctx, "sign-in lock-out unavailable", "err", err)
				continue
			}
			if wait > 0 {
				return chat.RateLimited(wait, "Too many failed sign-ins; try again later.")
			}
		}
	}
	err := attempt()
	if g.backoff == nil || g.r.SignInFailures <= 0 {
		return err
	}
	switch chat.ErrorCode(err) {
	case chat.EUNAUTHENTICATED:
		g.fail(ctx, userKey, g.r.SignInFailures)
		g.fail(ctx, ipKey, addressFailureFactor*g.r.SignInFailures)
	case "":
		if rerr := g.backoff.Reset(ctx, userKey); rerr != nil {
			g.log.WarnContext(ctx, "sign-in lock-out unavailable", "err", rerr)
		}
	}
	return err
}

func (g *Guard) fail(ctx context.Context, key string, free int) {
	if _, err := g.backoff.Fail(ctx, key, free, SignInBaseDelay, g.r.SignInMaxDelay); err != nil {
		g.log.WarnContext(ctx, "sign-in lock-out unavailable", "err", err)
	}
}

// Register counts a sign-up from ip.
func (g *Guard) Register(ctx context.Context, ip string) error {
	if g == nil {
		return nil
	}
	return g.allow(ctx, "register:"+ip, g.r.RegisterRate, RegisterWindow, "Too many sign-ups from your address; try again later.")
}

// Anonymous counts an unauthenticated request from ip.
func (g *Guard) Anonymous(ctx context.Context, ip string) error {
	if g == nil {
		return nil
	}
	return g.allow(ctx, "anon:"+ip, g.r.AnonRate, AnonWindow, "Too many requests; slow down.")
}

// Form counts a server-rendered form post from ip.
func (g *Guard) Form(ctx context.Context, ip string) error {
	if g == nil {
		return nil
	}
	return g.allow(ctx, "form:"+ip, g.r.FormRate, FormWindow, "Too many form posts; try again in a minute.")
}

func (g *Guard) allow(ctx context.Context, key string, limit int, window time.Duration, msg string) error {
	if g.limiter == nil || limit <= 0 {
		return nil
	}
	ok, retry, err := g.limiter.Allow(ctx, key, limit, window)
	if err != nil {
		g.log.WarnContext(ctx, "rate limit unavailable", "key", strings.SplitN(key, ":", 2)[0], "err", err)
		return nil
	}
	if !ok {
		return chat.RateLimited(retry, "%s", msg)
	}
	return nil
}

// usernameKey bounds what a client-chosen username adds to a key: the
// same spelling rules as sign-in (case-insensitive), hashed.
func usernameKey(username string) string {
	sum := sha256.Sum256([]byte(chat.NormalizeUsername(username)))
	return hex.EncodeToString(sum[:12])
}

package loadsim

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/websocket"
)

// retryPolicy is how a simulated client answers "come back later" (HTTP
// 503 or 429 with Retry-After, a WebSocket 1013 whose reason ends with
// retry_after=<s>): it waits the hint plus full jitter, a random extra up
// to a ceiling that doubles per attempt and is capped, as the web app does,
// so that the simulator measures what real clients see.
type retryPolicy struct {
	base, cap time.Duration
	// max is how many times one request is retried; 0 never.
	max int
}

// browserRetry is the web app's policy (frontend/src/lib/retry-after.ts).
var browserRetry = retryPolicy{base: 500 * time.Millisecond, cap: 8 * time.Second, max: 4}

// defaultHint is the wait of a 503 or 429 without a usable Retry-After.
const defaultHint = time.Second

// maxHint bounds a hint, so that a bad header cannot park a user.
const maxHint = 5 * time.Minute

// delay is the wait before retry attempt (0-based) after a hint.
func (p retryPolicy) delay(attempt int, hint time.Duration) time.Duration {
	ceiling := min(p.cap, p.base<<min(attempt, 30))
	if ceiling <= 0 {
		ceiling = p.cap
	}
	return min(max(hint, 0), maxHint) + rand.N(ceiling+1)
}

// retryable says whether an HTTP status asks to come back later.
func retryable(status int) bool {
	return status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests
}

// parseRetryAfter reads a Retry-After in delta-seconds (what Parley and
// nginx send); anything else is the default hint.
func parseRetryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return defaultHint
	}
	return min(time.Duration(n)*time.Second, maxHint)
}

var retryAfterReason = regexp.MustCompile(`retry_after=(\d+)\s*$`)

// closeHint returns the wait a WebSocket close asks for: a 1013 whose
// reason ends with retry_after=<s> (a replica at capacity). ok is false
// for any other error, a 1013 without a hint included (a full send queue:
// reconnect soon).
func closeHint(err error) (hint time.Duration, reason string, ok bool) {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseTryAgainLater {
		return 0, "", false
	}
	m := retryAfterReason.FindStringSubmatch(ce.Text)
	if m == nil {
		return 0, "", false
	}
	n, _ := strconv.Atoi(m[1])
	why, _, _ := strings.Cut(ce.Text, ",")
	return min(time.Duration(n)*time.Second, maxHint), why, true
}

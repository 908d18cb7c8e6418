package loadsim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"
)

// api is the HTTP side of one simulated browser: it speaks the JSON API
// with a bearer token and records every request under an action name.
type api struct {
	base   string
	client *http.Client
	stats  *HTTPStats
	token  string
	// retry is how 503 and 429 answers are retried (see retries); the
	// zero policy never retries.
	retry retryPolicy
	// onAnswer, when set, hears every request's outcome: its action and
	// status, 0 for a transport error (the storm's timeline).
	onAnswer func(action string, status int)
}

// call is one request: what is sent, which statuses the action accepts,
// and where the JSON answer goes.
type call struct {
	action string
	method string
	path   string
	body   any
	etag   string // sent as If-None-Match
	accept []int
	out    any
}

type answer struct {
	status int
	etag   string
}

// retriedActions are the writes a client may repeat after a refusal: the
// server refuses sign-in and sign-up before writing anything, and joining
// a room or adding a reaction twice is harmless. Every GET may be repeated too.
var retriedActions = map[string]bool{"register": true, "login": true, "join_room": true, "react": true}

// errRefused marks an answer that asked to come back later and will be.
var errRefused = errors.New("refused, retrying")

// do performs c, retrying a 503 or 429 after its Retry-After plus jitter
// when the policy and the action allow, as a browser does. A refusal that
// is retried is recorded with its status but not as a failure: only the
// final outcome can fail the action.
func (a *api) do(ctx context.Context, c call) (answer, error) {
	retries := 0
	if c.method == http.MethodGet || retriedActions[c.action] {
		retries = a.retry.max
	}
	for attempt := 0; ; attempt++ {
		ans, hint, err := a.once(ctx, c, attempt < retries)
		if !errors.Is(err, errRefused) {
			return ans, err
		}
		if !sleepCtx(ctx, a.retry.delay(attempt, hint)) {
			return ans, fmt.Errorf("%s: %w", c.action, ctx.Err())
		}
	}
}

// once performs one attempt; a refusal that may be retried returns
// errRefused and the wait it asked for.
func (a *api) once(ctx context.Context, c call, mayRetry bool) (answer, time.Duration, error) {
	ans, hint, err := a.exchange(ctx, c, mayRetry)
	if a.onAnswer != nil && ctx.Err() == nil {
		a.onAnswer(c.action, ans.status)
	}
	return ans, hint, err
}

func (a *api) exchange(ctx context.Context, c call, mayRetry bool) (answer, time.Duration, error) {
	var rd io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return answer{}, 0, fmt.Errorf("%s: encode: %w", c.action, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, a.base+c.path, rd)
	if err != nil {
		return answer{}, 0, fmt.Errorf("%s: %w", c.action, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if c.etag != "" {
		req.Header.Set("If-None-Match", c.etag)
	}
	start := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			a.stats.Observe(c.action, 0, time.Since(start), true, c.etag != "")
		}
		return answer{}, 0, fmt.Errorf("%s: %w", c.action, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	ans := answer{status: resp.StatusCode, etag: resp.Header.Get("ETag")}
	if err != nil {
		if ctx.Err() == nil {
			a.stats.Observe(c.action, 0, d, true, c.etag != "")
		}
		return ans, 0, fmt.Errorf("%s: read body: %w", c.action, err)
	}
	if mayRetry && retryable(resp.StatusCode) {
		a.stats.Observe(c.action, resp.StatusCode, d, false, c.etag != "")
		return ans, parseRetryAfter(resp.Header.Get("Retry-After")), errRefused
	}
	ok := slices.Contains(c.accept, resp.StatusCode)
	a.stats.Observe(c.action, resp.StatusCode, d, !ok, c.etag != "")
	if !ok {
		return ans, 0, fmt.Errorf("%s: %s %s: status %d: %.200s", c.action, c.method, c.path, resp.StatusCode, data)
	}
	if c.out != nil && resp.StatusCode != http.StatusNotModified && len(data) > 0 {
		if err := json.Unmarshal(data, c.out); err != nil {
			return ans, 0, fmt.Errorf("%s: decode answer: %w", c.action, err)
		}
	}
	return ans, 0, nil
}

// dialerFor returns a dialer whose connections leave from 127.0.n.1, so
// nginx's ip_hash, which hashes the first three octets, spreads them.
// n = 0 leaves the choice to the kernel.
func dialerFor(n int) *net.Dialer {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if n > 0 {
		d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, byte(n), 1)}
	}
	return d
}

// newHTTPClient returns a keep-alive client dialing from net n.
func newHTTPClient(n int) *http.Client {
	d := dialerFor(n)
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConns:        2000,
			MaxIdleConnsPerHost: 2000,
			// Below the server's 30 s read timeout, which answers an idle
			// keep-alive connection with an unsolicited 500 and closes it.
			IdleConnTimeout:    20 * time.Second,
			DisableCompression: true,
		},
	}
}

// Wire types: only the fields the simulator reads.

type wireUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

type wireRoom struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	LastSeq int64  `json:"last_seq"`
	Unread  int64  `json:"unread"`
}

type wireMessage struct {
	ID       int64    `json:"id"`
	RoomID   int64    `json:"room_id"`
	Seq      int64    `json:"seq"`
	User     wireUser `json:"user"`
	Body     string   `json:"body"`
	ClientID string   `json:"client_id"`
}

type authAnswer struct {
	User  wireUser `json:"user"`
	Token string   `json:"token"`
}

type roomAnswer struct {
	Room wireRoom `json:"room"`
}

type roomsAnswer struct {
	Rooms []wireRoom `json:"rooms"`
}

type messagesAnswer struct {
	Messages []wireMessage `json:"messages"`
	HasMore  bool          `json:"has_more"`
}

type usersAnswer struct {
	Users []wireUser `json:"users"`
}

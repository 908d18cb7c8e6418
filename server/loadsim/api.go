package loadsim

import (
	"bytes"
	"context"
	"encoding/json"
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

func (a *api) do(ctx context.Context, c call) (answer, error) {
	var rd io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return answer{}, fmt.Errorf("%s: encode: %w", c.action, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, a.base+c.path, rd)
	if err != nil {
		return answer{}, fmt.Errorf("%s: %w", c.action, err)
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
		return answer{}, fmt.Errorf("%s: %w", c.action, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	ans := answer{status: resp.StatusCode, etag: resp.Header.Get("ETag")}
	if err != nil {
		if ctx.Err() == nil {
			a.stats.Observe(c.action, 0, d, true, c.etag != "")
		}
		return ans, fmt.Errorf("%s: read body: %w", c.action, err)
	}
	ok := slices.Contains(c.accept, resp.StatusCode)
	a.stats.Observe(c.action, resp.StatusCode, d, !ok, c.etag != "")
	if !ok {
		return ans, fmt.Errorf("%s: %s %s: status %d: %.200s", c.action, c.method, c.path, resp.StatusCode, data)
	}
	if c.out != nil && resp.StatusCode != http.StatusNotModified && len(data) > 0 {
		if err := json.Unmarshal(data, c.out); err != nil {
			return ans, fmt.Errorf("%s: decode answer: %w", c.action, err)
		}
	}
	return ans, nil
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

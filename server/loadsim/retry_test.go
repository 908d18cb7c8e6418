package loadsim_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/loadsim"
)

func TestParseRetryAfter(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"2", 2 * time.Second}, {" 0 ", 0}, {"", time.Second}, {"soon", time.Second}, {"-3", time.Second},
		{"99999", 5 * time.Minute},
	} {
		if got := loadsim.ParseRetryAfter(c.in); got != c.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCloseHint(t *testing.T) {
	for _, c := range []struct {
		err  error
		want time.Duration
		why  string
		ok   bool
	}{
		{&websocket.CloseError{Code: 1013, Text: "server busy, retry_after=2"}, 2 * time.Second, "server busy", true},
		{&websocket.CloseError{Code: 1013, Text: "could not load rooms, retry_after=5"}, 5 * time.Second, "could not load rooms", true},
		{&websocket.CloseError{Code: 1013, Text: "send queue full, reconnect and resume"}, 0, "", false},
		{&websocket.CloseError{Code: 1011, Text: "could not load rooms, retry"}, 0, "", false},
		{errors.New("EOF"), 0, "", false},
	} {
		got, why, ok := loadsim.CloseHint(c.err)
		if got != c.want || why != c.why || ok != c.ok {
			t.Errorf("CloseHint(%v) = %v, %q, %v; want %v, %q, %v", c.err, got, why, ok, c.want, c.why, c.ok)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	// The hint, then full jitter under a ceiling that doubles and is capped.
	for attempt, ceiling := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		for range 200 {
			d := loadsim.RetryDelay(attempt, time.Second)
			if d < time.Second || d > time.Second+ceiling {
				t.Fatalf("attempt %d: delay %v outside [1s, 1s+%v]", attempt, d, ceiling)
			}
		}
	}
}

// TestAPIRetries runs the client against a server that refuses a number of
// times with Retry-After: 0, then accepts.
func TestAPIRetries(t *testing.T) {
	serve := func(t *testing.T, refusals int64, status int) string {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= refusals {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(status)
				_, _ = w.Write([]byte(`{"error":{"code":"unavailable","message":"busy"}}`))
				return
			}
			w.WriteHeader(http.StatusCreated)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	ctx := context.Background()
	t.Run("OKRegisterRetried", func(t *testing.T) {
		got, failures, err := loadsim.DoWithRetries(ctx, serve(t, 2, 503), "register", http.MethodPost, "/api/v1/auth/register", 4)
		if err != nil || !slices.Equal(got, []int{503, 503, 201}) || failures != 0 {
			t.Fatalf("statuses %v, failures %d, err %v; want 503, 503, 201 without a failure", got, failures, err)
		}
	})
	t.Run("OKGetRetriedAfter429", func(t *testing.T) {
		got, _, err := loadsim.DoWithRetries(ctx, serve(t, 1, 429), "list_rooms", http.MethodGet, "/api/v1/rooms", 4)
		if err != nil || !slices.Equal(got, []int{429, 201}) {
			t.Fatalf("statuses %v, err %v; want 429, 201", got, err)
		}
	})
	t.Run("ErrGivesUp", func(t *testing.T) {
		got, failures, err := loadsim.DoWithRetries(ctx, serve(t, 10, 503), "login", http.MethodPost, "/api/v1/auth/login", 2)
		if err == nil || len(got) != 3 || failures != 1 {
			t.Fatalf("statuses %v, failures %d, err %v; want 3 refusals, the last one a failure", got, failures, err)
		}
	})
	t.Run("ErrOtherWritesNotRetried", func(t *testing.T) {
		got, _, err := loadsim.DoWithRetries(ctx, serve(t, 1, 503), "create_room", http.MethodPost, "/api/v1/rooms", 4)
		if err == nil || !slices.Equal(got, []int{503}) {
			t.Fatalf("statuses %v, err %v; want one 503 and an error", got, err)
		}
	})
}

func TestOutcomeKind(t *testing.T) {
	for what, want := range map[string]string{
		"arrival": "arrival", "ws ready": "ready",
		"register 201": "accepted", "login 200": "accepted", "register 409": "",
		"register 503": "refused", "login 429": "refused", "ws 1013 server busy": "refused", "ws handshake 503": "refused",
		"register 0": "error", "join_room 500": "error", "ws error": "error", "ws handshake 502": "error", "login 401": "error",
		"join_room 200": "",
	} {
		if got := loadsim.OutcomeKind(what); got != want {
			t.Errorf("OutcomeKind(%q) = %q, want %q", what, got, want)
		}
	}
}

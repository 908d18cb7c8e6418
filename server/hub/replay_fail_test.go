package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/parleychat/parley/server/app"
	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/testenv"
)

// historyDown is a store whose history reads fail, as under a pool
// saturated past its deadline.
type historyDown struct{ hub.Chat }

func (historyDown) Messages(context.Context, *chat.User, int64, chat.Page) ([]chat.Message, bool, error) {
	return nil, false, chat.Errorf(chat.EUNAVAILABLE, "test: history unavailable")
}

// TestReplayFailureCloses: a resume whose history cannot be read closes the
// socket with 1013 and a retry hint, instead of going on live past the
// client's point (the client would see a gap in the room's seqs).
func TestReplayFailureCloses(t *testing.T) {
	t.Run("ErrHistoryUnavailable", func(t *testing.T) {
		r := newReplica(t, testenv.NewDatabase(t), hub.Options{}, func(a *app.App) hub.Chat { return historyDown{a} })
		alice, token := newUser(t, r.App)
		room := newRoom(t, r.App, alice, chat.RoomPublic)
		for _, id := range []string{"a", "b"} {
			if _, _, err := r.App.SendMessage(context.Background(), alice, room.ID, "hello", id); err != nil {
				t.Fatal(err)
			}
		}
		// The resume point is behind the room: live delivery starts after
		// seq 2, so the replay must come first or not at all.
		ws := dialRaw(t, r.URL+"?resume="+strconv.FormatInt(room.ID, 10)+":0", token)
		_ = ws.SetReadDeadline(time.Now().Add(wait))
		for {
			_, data, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				if ce.Code != closeTryLater || !strings.HasPrefix(ce.Text, "could not replay history") || !strings.Contains(ce.Text, "retry_after=") {
					t.Fatalf("closed with %d %q; want %d \"could not replay history, retry_after=…\"", ce.Code, ce.Text, closeTryLater)
				}
				return
			}
			if err != nil {
				t.Fatalf("read: %v; want a 1013 close", err)
			}
			var e struct{ Type string }
			if err := json.Unmarshal(data, &e); err != nil {
				t.Fatal(err)
			}
			if e.Type == "message" || e.Type == "resumed" {
				t.Fatalf("got %s although the replay failed; want the socket closed", data)
			}
		}
	})
}

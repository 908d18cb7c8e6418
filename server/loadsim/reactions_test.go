package loadsim_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/parleychat/parley/server/loadsim"
)

// TestReactionStorm runs a small reaction storm against the real server:
// every user of the big room reacts once while the others chat, and the
// run must find the exact count through the API and on every socket.
func TestReactionStorm(t *testing.T) {
	srv := startServer(t)
	var log bytes.Buffer
	cfg := loadsim.Defaults()
	cfg.Name, cfg.Target, cfg.ServerPIDs = "reactions", srv.URL, []int{srv.PID}
	cfg.Users, cfg.RampRate, cfg.Duration, cfg.Drain = 40, 40, 20*time.Second, 3*time.Second
	cfg.Profile, cfg.ChattyRate, cfg.RoomSizes = loadsim.ProfileChatty, 20, []int{10, 40}
	cfg.Reactions = loadsim.ReactionStorm{At: 13 * time.Second, Spread: time.Second}
	cfg.UserPrefix, cfg.Progress, cfg.Log = "rx", 5*time.Second, &log
	cfg.MaxTime = 2 * time.Minute
	cfg.SLO.DeliveryP99, cfg.SLO.HTTPP99 = 0, 0
	res, err := loadsim.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if !res.Pass {
		t.Fatalf("run failed: %v\n%s\n%s", res.Failures, res.Markdown(), log.String())
	}
	rx := res.Reactions
	if rx == nil || rx.Reactors != 40 || rx.Answered != 40 || rx.Counts[40] != 40 || rx.Sockets < 35 || rx.SocketsWrong != 0 {
		t.Fatalf("reaction storm %+v\n%s", rx, log.String())
	}
	if rx.DeliveryBefore.Count == 0 || rx.DeliveryDuring.Count == 0 {
		t.Fatalf("no deliveries measured around the storm: %+v", rx)
	}
	// Coalesced: far fewer frames per socket than reactions.
	if perSocket := float64(rx.Frames) / float64(rx.Sockets); perSocket >= 40 {
		t.Fatalf("%.1f reaction frames per socket for 40 reactions", perSocket)
	}
}

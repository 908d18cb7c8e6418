package app

import (
	"context"
	"strconv"
	"time"

	"github.com/parleychat/parley/server/chat"
)

// allowSend counts one send of u against the per-user send limit, which
// every way of sending (HTTP, WebSocket, the pages' form) shares because
// they all come here. A limiter that fails lets the send through: losing
// Valkey must not stop a team talking.
func (a *App) allowSend(ctx context.Context, u *chat.User) error {
	if a.sendLimit == nil {
		return nil
	}
	ok, retry, err := a.sendLimit.Allow(ctx, "send:"+strconv.FormatInt(u.ID, 10), a.sendRate, a.sendWindow)
	if err != nil {
		a.log.WarnContext(ctx, "app: send limit unavailable, allowing", "user_id", u.ID, "err", err)
		return nil
	}
	if ok {
		return nil
	}
	retry = max(retry, time.Second)
	return chat.RateLimited(retry, "You are sending too fast; try again in %d s.", int((retry+time.Second-1)/time.Second))
}

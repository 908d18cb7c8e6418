package loadsim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The model's reactions, replies and searches. Their weights (per post:
// react 0.13, search 0.022, replies opened 0.28) follow the shares of the
// Mattermost load tester's simulated users; a reply is counted as one in
// ten posts.

// reactionEmoji are the reactions people use most.
var reactionEmoji = []string{"👍", "❤️", "😂", "🎉", "👀", "🙏"}

// recentSeq picks one of the latest 20 messages of room, or 0 if none.
func (u *user) recentSeq(room int64) int64 {
	top := u.recv.Watermark(room)
	if top < 1 {
		return 0
	}
	return max(1, top-rand.Int64N(20))
}

// react adds a reaction to a recent message of the current room, or takes
// one back a time in four.
func (u *user) react(ctx context.Context) error {
	seq := u.recentSeq(u.current)
	if seq == 0 {
		return nil
	}
	method := http.MethodPut
	if rand.IntN(4) == 0 {
		method = http.MethodDelete
	}
	emoji := reactionEmoji[rand.IntN(len(reactionEmoji))]
	_, err := u.api.do(ctx, call{action: "react", method: method,
		path:   roomPath(u.current) + "/messages/" + strconv.FormatInt(seq, 10) + "/reactions/" + url.PathEscape(emoji),
		accept: []int{204, 200}})
	return err
}

// reply answers a recent message of the current room through the socket,
// where it is counted like any post.
func (u *user) reply(ctx context.Context) error {
	seq := u.recentSeq(u.current)
	if seq == 0 {
		return nil
	}
	n := u.sends.Add(1)
	clientID := "l" + strconv.Itoa(u.idx) + "-" + strconv.FormatInt(n, 10) + "-" + u.r.tag
	if err := u.sock.sendReply(u.current, seq, messageBody(time.Now(), u.idx, u.r.cfg.BodySize), clientID); err != nil && err != errNoConn {
		return err
	}
	return nil
}

// viewReplies opens the replies of a recent message.
func (u *user) viewReplies(ctx context.Context) error {
	seq := u.recentSeq(u.current)
	if seq == 0 {
		return nil
	}
	var ans messagesAnswer
	return u.get(ctx, "view_replies", roomPath(u.current)+"/messages/"+strconv.FormatInt(seq, 10)+"/replies", &ans)
}

// searchMessages searches the user's rooms for one or two words of the
// simulator's vocabulary, the last one as a prefix now and then.
func (u *user) searchMessages(ctx context.Context) error {
	q := bodyWords[rand.IntN(len(bodyWords))]
	if rand.IntN(2) == 0 {
		q += " " + bodyWords[rand.IntN(len(bodyWords))]
	}
	if rand.IntN(4) == 0 {
		q = q[:len(q)-1]
	}
	var ans messagesAnswer
	return u.get(ctx, "search", "/api/v1/search?q="+url.QueryEscape(q), &ans)
}

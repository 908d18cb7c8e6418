package loadsim

import (
	"context"
	"fmt"
)

// search adds Step users every StepEvery while the last step held the
// SLOs, like a load coordinator probing for a ceiling, and returns the
// highest count that held.
func (r *runner) search(ctx, actCtx context.Context) *SearchResult {
	cfg := r.cfg
	res := &SearchResult{}
	cur := cfg.Users
	for {
		d0, h0 := r.ledger.Delivery.Snapshot(), r.http.Actions.Snapshot()
		q0, f0 := r.http.Totals()
		if !sleepCtx(ctx, cfg.StepEvery) {
			res.StoppedBy = "time bound"
			return res
		}
		d, h := r.ledger.Delivery.Snapshot().Sub(d0), r.http.Actions.Snapshot().Sub(h0)
		q, f := r.http.Totals()
		step := SearchStep{Users: cur, Connected: r.ws.Connected.Load(),
			DeliveryP99: round3(d.Quantile(0.99)), HTTPP99: round3(h.Quantile(0.99))}
		if q > q0 {
			step.ErrorRate = float64(f-f0) / float64(q-q0)
		}
		r.mu.Lock()
		ready := r.ready
		r.mu.Unlock()
		var why string
		switch {
		case cfg.SLO.DeliveryP99 > 0 && step.DeliveryP99 > ms(cfg.SLO.DeliveryP99):
			why = fmt.Sprintf("delivery p99 %.1f ms at %d users", step.DeliveryP99, cur)
		case cfg.SLO.HTTPP99 > 0 && step.HTTPP99 > ms(cfg.SLO.HTTPP99):
			why = fmt.Sprintf("HTTP p99 %.1f ms at %d users", step.HTTPP99, cur)
		case step.ErrorRate > cfg.SLO.HTTPErrorRate:
			why = fmt.Sprintf("HTTP error rate %.5f at %d users", step.ErrorRate, cur)
		case ready < cur*99/100:
			why = fmt.Sprintf("only %d of %d users could set up", ready, cur)
		case step.Connected < int64(ready)*99/100:
			why = fmt.Sprintf("only %d of %d sockets connected", step.Connected, ready)
		}
		step.OK = why == ""
		res.Steps = append(res.Steps, step)
		fmt.Fprintf(cfg.Log, "search step %d users: delivery p99 %.1f ms, http p99 %.1f ms, errors %.5f, ok %v\n",
			cur, step.DeliveryP99, step.HTTPP99, step.ErrorRate, step.OK)
		if !step.OK {
			res.StoppedBy = why
			return res
		}
		res.Sustained = cur
		if cur >= cfg.SearchLimit {
			res.StoppedBy = "search limit"
			return res
		}
		next := min(cur+cfg.Step, cfg.SearchLimit)
		r.startUsers(ctx, actCtx, cur, next)
		cur = next
		if ctx.Err() != nil {
			res.StoppedBy = "time bound"
			return res
		}
	}
}

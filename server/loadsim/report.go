package loadsim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteFiles writes result.json, summary.md, latency.svg and, when one was
// taken, cpu.pprof into dir; a soak run adds soak.svg.
func (r *Result) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encode: %w", err)
	}
	files := map[string][]byte{
		"result.json": append(j, '\n'),
		"summary.md":  []byte(r.Markdown()),
		"latency.svg": []byte(r.SVG()),
	}
	if r.Soak != nil {
		files["soak.svg"] = []byte(r.Soak.SVG(r.Name))
	}
	if r.cpuProfile != nil {
		files["cpu.pprof"] = r.cpuProfile
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// TableHeader is the header of the one-line-per-run table that Row fills.
const TableHeader = "| run | users (ready) | msg/s in | deliveries/s | delivery p50 / p99 / max ms | ack p99 ms | HTTP p99 ms (w/o setup) | HTTP errors | lost / dup / ooo | server CPU | RSS MB (peak) | RSS/conn KB | cache hit | 304 share | load CPU |\n" +
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"

// Row returns the run as one line of the table under TableHeader.
func (r *Result) Row() string {
	hit := "n/a"
	if r.Server.CacheHitRate >= 0 {
		hit = fmt.Sprintf("%.1f%%", 100*r.Server.CacheHitRate)
	}
	return fmt.Sprintf("| %s | %d (%d) | %.0f | %.0f | %.1f / %.1f / %.0f | %.1f | %.1f (%.1f) | %d / %d | %d / %d / %d | %.2f cores | %.0f (%.0f) | %.1f | %s | %.0f%% | %.2f cores |\n",
		r.Name, r.Users.Target, r.Users.Ready, r.Messages.SentPerSec, r.Messages.DeliveredPerSec,
		r.Delivery.P50, r.Delivery.P99, r.Delivery.Max, r.Ack.P99, r.HTTP.Latency.P99, r.HTTP.ActionLatency.P99,
		r.HTTP.Failures, r.HTTP.Requests, r.Messages.Lost, r.Messages.Duplicated, r.Messages.OutOfOrder,
		r.Server.CPUCores, r.Server.RSSEndMB, r.Server.RSSPeakMB, r.Server.RSSPerConnKB, hit,
		100*r.HTTP.NotModifiedShare, r.LoadGen.CPUCores)
}

// Markdown renders the run as a human summary.
func (r *Result) Markdown() string {
	var b strings.Builder
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL: " + strings.Join(r.Failures, "; ")
	}
	fmt.Fprintf(&b, "# Load run %s: %s\n\n", r.Name, verdict)
	fmt.Fprintf(&b, "Target %s, profile %s, rooms of %v, started %s, steady %.0f s of %.0f s.\n\n",
		r.Target, r.Profile, r.RoomSizes, r.StartedAt.Format("2006-01-02 15:04:05Z"), r.SteadySeconds, r.TotalSeconds)
	b.WriteString(TableHeader)
	b.WriteString(r.Row())
	m := r.Messages
	fmt.Fprintf(&b, "\n## Messages\n\nsent %d, acked %d, refused %d, unacked %d; delivered %d; lost %d of %d checked; duplicated %d; out of order %d; recovered by resume %d; unverified receivers %d.\n",
		m.Sent, m.Acked, m.SendErrors, m.Unacked, m.Delivered, m.Lost, m.Expected, m.Duplicated, m.OutOfOrder, m.Recovered, m.Unverified)
	if len(m.Examples) > 0 {
		fmt.Fprintf(&b, "Lost examples (room/seq): %s\n", strings.Join(m.Examples, ", "))
	}
	b.WriteString("\n## Latency (ms)\n\nSteady window (whole run in search mode); per-action rows and \"(whole run)\" rows include the ramp.\n\n| | count | p50 | p95 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|\n")
	lat := func(name string, s LatencySummary) {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n", name, s.Count, s.P50, s.P95, s.P99, s.P999, s.Max)
	}
	lat("delivery", r.Delivery)
	lat("ack", r.Ack)
	lat("http (all)", r.HTTP.Latency)
	lat("http (without setup)", r.HTTP.ActionLatency)
	lat("delivery (whole run)", r.WholeRun.Delivery)
	lat("http (whole run)", r.WholeRun.HTTP)
	for _, a := range r.HTTP.Actions {
		lat("http "+a.Action, a.Latency)
	}
	b.WriteString("\n## HTTP status per action\n\n| action | requests | failures | statuses |\n|---|---|---|---|\n")
	for _, a := range r.HTTP.Actions {
		fmt.Fprintf(&b, "| %s | %d | %d | %v |\n", a.Action, a.Requests, a.Failures, a.Status)
	}
	w := r.WS
	fmt.Fprintf(&b, "\n## Sockets and users\n\nusers: %d started, %d ready, %d failed setup, %d sockets at the end of the steady phase; connects %d, connect failures %d, unplanned reconnects %d, planned %d, resumes after a gap %d; server errors %v.\n",
		r.Users.Started, r.Users.Ready, r.Users.SetupFailed, r.Users.Connected, w.Connects, w.ConnectFailures, w.Drops, w.Planned, w.GapResumes, w.ServerErrors)
	for _, e := range r.Users.SetupErrors {
		fmt.Fprintf(&b, "- setup error: %s\n", e)
	}
	s := r.Server
	fmt.Fprintf(&b, "\n## Server (%s)\n\nCPU %.2f cores; RSS before %.0f MB, end %.0f MB, peak %.0f MB, %.1f KB per connection; ws connections %.0f; cache levels %v; load generator %.2f cores, %.0f MB.\n",
		s.Source, s.CPUCores, s.RSSBeforeMB, s.RSSEndMB, s.RSSPeakMB, s.RSSPerConnKB, s.WSConnections, s.CacheLevels, r.LoadGen.CPUCores, r.LoadGen.RSSMB)
	if len(s.Stages) > 0 {
		b.WriteString("\nSend path by stage (server histograms, steady phase):\n\n| stage | count | mean ms | p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|\n")
		for _, st := range s.Stages {
			fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.3f | %.3f |\n", st.Stage, st.Count, st.MeanMS, st.P50MS, st.P99MS, st.P999MS)
		}
	}
	x := r.Box
	fmt.Fprintf(&b, "\nMachine (%d cores) over the steady window: %.2f cores busy: server %.2f, PostgreSQL %.2f, Valkey %.2f, nginx %.2f, load generator %.2f, other work %.2f.\n",
		x.Cores, x.Busy, s.CPUCores, x.Postgres, x.Valkey, x.Nginx, r.LoadGen.CPUCores, x.Other)
	if r.Search != nil {
		fmt.Fprintf(&b, "\n## Search\n\nHighest sustained: **%d users**; stopped by: %s.\n\n| users | sockets | delivery p99 ms | HTTP p99 ms | error rate | ok |\n|---|---|---|---|---|---|\n",
			r.Search.Sustained, r.Search.StoppedBy)
		for _, st := range r.Search.Steps {
			fmt.Fprintf(&b, "| %d | %d | %.1f | %.1f | %.5f | %v |\n", st.Users, st.Connected, st.DeliveryP99, st.HTTPP99, st.ErrorRate, st.OK)
		}
	}
	if r.Failover != nil {
		b.WriteString("\n## Failover\n\n```\n")
		b.WriteString(r.FailoverSummary())
		b.WriteString("```\n")
	}
	if r.Reactions != nil {
		b.WriteString("\n## Reaction storm\n\n```\n")
		b.WriteString(r.Reactions.ReactionSummary())
		b.WriteString("```\n")
	}
	if len(r.SLO) > 0 {
		b.WriteString("\n## SLOs\n\n| check | limit | value | ok |\n|---|---|---|---|\n")
		for _, c := range r.SLO {
			fmt.Fprintf(&b, "| %s | %g | %g | %v |\n", c.Name, c.Limit, c.Value, c.OK)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	return b.String()
}

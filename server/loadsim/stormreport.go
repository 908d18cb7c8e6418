package loadsim

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WriteFiles writes storm.json and storm.md into dir.
func (res *StormResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("storm report: %w", err)
	}
	j, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("storm report: encode: %w", err)
	}
	for name, b := range map[string][]byte{"storm.json": append(j, '\n'), "storm.md": []byte(res.Markdown())} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("storm report: %w", err)
		}
	}
	return nil
}

// Summary is the storm's result in a few lines.
func (res *StormResult) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "storm %s: %d users at %g/s, %d ready", res.Name, res.Users, res.Rate, res.Ready)
	if res.AllReadySeconds > 0 {
		fmt.Fprintf(&b, ", all within %.1f s of the first arrival", res.AllReadySeconds)
	}
	fmt.Fprintf(&b, "\narrival to ready: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
		res.ArrivalToReady.P50, res.ArrivalToReady.P99, res.ArrivalToReady.Max)
	var refused, errs int64
	for _, s := range res.Timeline {
		refused += s.Refused
		errs += s.Errors
	}
	fmt.Fprintf(&b, "refused (come back later): %d; errors: %d\n", refused, errs)
	for _, a := range res.HTTP.Actions {
		if a.Action == "register" || a.Action == "login" || a.Action == "join_room" {
			fmt.Fprintf(&b, "%s answers (accepted and refused): p50 %.1f ms, p99 %.1f ms, max %.0f ms\n",
				a.Action, a.Latency.P50, a.Latency.P99, a.Latency.Max)
		}
	}
	fmt.Fprintf(&b, "residents (%d): delivery during the storm p50 %.1f ms, p99 %.1f ms (%d deliveries); lost %d, duplicated %d\n",
		res.Residents, res.ResidentDelivery.P50, res.ResidentDelivery.P99, res.ResidentDelivery.Count,
		res.ResidentLoss.Lost, res.ResidentCounts.Duplicated)
	return b.String()
}

// Markdown is the storm's report: the summary, every outcome by name, and
// the second-by-second timeline.
func (res *StormResult) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Storm: %s\n\n```\n%s```\n\n", res.Name, res.Summary())
	if len(res.Failures) > 0 {
		fmt.Fprintf(&b, "**FAIL**: %s\n\n", strings.Join(res.Failures, "; "))
	}
	b.WriteString("## Outcomes\n\n| outcome | count |\n|---|---|\n")
	for _, k := range sortedReasons(res.Outcomes) {
		fmt.Fprintf(&b, "| %s | %d |\n", k, res.Outcomes[k])
	}
	if len(res.ServerRefusals) > 0 {
		b.WriteString("\n## Refused, as the servers counted (`parley_overload_refused_total`)\n\n| gate and reason | count |\n|---|---|\n")
		for _, k := range slices.Sorted(maps.Keys(res.ServerRefusals)) {
			fmt.Fprintf(&b, "| %s | %.0f |\n", k, res.ServerRefusals[k])
		}
	}
	b.WriteString("\n## Per second\n\n| s | arrivals | signed in | refused | errors | ready | ready total | refusals and errors |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range res.Timeline {
		var why []string
		for _, k := range sortedReasons(s.Reasons) {
			if kind := outcomeKind(k); kind == "refused" || kind == "error" {
				why = append(why, fmt.Sprintf("%s ×%d", k, s.Reasons[k]))
			}
		}
		fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %s |\n", s.Second, s.Arrivals, s.SignedIn, s.Refused, s.Errors,
			s.Ready, s.ReadyTotal, strings.Join(why, ", "))
	}
	return b.String()
}

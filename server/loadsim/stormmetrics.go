package loadsim

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serverRefusals reads parley_overload_refused_total from every metrics
// URL, summed over replicas, as "<gate> <reason>" → count: the server's
// own count of what the storm's clients saw refused.
func serverRefusals(ctx context.Context, client *http.Client, urls []string) (map[string]float64, error) {
	out := make(map[string]float64)
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("storm metrics: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("storm metrics: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("storm metrics: %s: status %d", u, resp.StatusCode)
		}
		parser := expfmt.NewTextParser(model.UTF8Validation)
		families, err := parser.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("storm metrics: %s: %w", u, err)
		}
		mf := families["parley_overload_refused_total"]
		if mf == nil {
			continue
		}
		for _, m := range mf.GetMetric() {
			var gate, reason string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "gate":
					gate = l.GetValue()
				case "reason":
					reason = l.GetValue()
				}
			}
			out[gate+" "+reason] += m.GetCounter().GetValue()
		}
	}
	return out, nil
}

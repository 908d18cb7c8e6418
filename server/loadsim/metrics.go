package loadsim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/parleychat/parley/server/stats"
)

// ServerSample is the server side at one instant, summed over replicas.
type ServerSample struct {
	At         time.Time
	CPUSeconds float64 // process CPU time, user + system
	RSSBytes   float64
	WSConns    float64 // parley_ws_connections, when exported
	Goroutines float64 // go_goroutines, when exported
	// Cache holds hits and misses of parley_cache_* series per cache level
	// (the "level" label; "" when there is none).
	Cache map[string]*[2]float64
	// Stages holds the send-path stage histograms by stage, summed over
	// replicas.
	Stages        map[string]stats.Hist
	HasCPU        bool
	HasWS         bool
	HasCache      bool
	HasGoroutines bool
}

// sampler reads the server's state from /proc when its pids are known,
// else from its /metrics endpoints; cache and connection gauges always
// come from /metrics, and their absence is tolerated.
type sampler struct {
	urls   []string
	pids   []int
	client *http.Client
	mu     sync.Mutex
	errMsg string // the first failed scrape, for the report
}

func (s *sampler) firstError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errMsg
}

func (s *sampler) noteError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errMsg == "" {
		s.errMsg = err.Error()
	}
}

func (s *sampler) sample(ctx context.Context) ServerSample {
	out := ServerSample{At: time.Now()}
	for _, u := range s.urls {
		m, stages, err := s.scrape(ctx, u)
		if err != nil {
			if ctx.Err() == nil {
				s.noteError(err)
			}
			continue
		}
		if v, ok := m["process_cpu_seconds_total"]; ok {
			out.CPUSeconds += v
			out.HasCPU = true
		}
		out.RSSBytes += m["process_resident_memory_bytes"]
		if v, ok := m["parley_ws_connections"]; ok {
			out.WSConns += v
			out.HasWS = true
		}
		for name, h := range stages {
			if out.Stages == nil {
				out.Stages = make(map[string]stats.Hist)
			}
			out.Stages[name] = addHist(out.Stages[name], h)
		}
		if v, ok := m["go_goroutines"]; ok {
			out.Goroutines += v
			out.HasGoroutines = true
		}
		for k, v := range m {
			level, ok := strings.CutPrefix(k, "cache_hits:")
			miss := false
			if !ok {
				level, miss = strings.CutPrefix(k, "cache_misses:")
			}
			if !ok && !miss {
				continue
			}
			if out.Cache == nil {
				out.Cache = make(map[string]*[2]float64)
			}
			c := out.Cache[level]
			if c == nil {
				c = new([2]float64)
				out.Cache[level] = c
			}
			if miss {
				c[1] += v
			} else {
				c[0] += v
			}
			out.HasCache = true
		}
	}
	if len(s.pids) > 0 {
		out.CPUSeconds, out.RSSBytes, out.HasCPU = 0, 0, true
		for _, pid := range s.pids {
			cpu, rss, err := procStat(pid)
			if err == nil {
				out.CPUSeconds += cpu
				out.RSSBytes += rss
			}
		}
	}
	return out
}

// scrape sums each metric over its labels; parley_cache_* samples are
// also added up into "cache_hits:<level>" and "cache_misses:<level>" by
// whether the name or a label value says hit or miss.
func (s *sampler) scrape(ctx context.Context, url string) (map[string]float64, map[string]stats.Hist, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 400))
		return nil, nil, fmt.Errorf("metrics: %s: status %d: %s", url, resp.StatusCode, bytes.TrimSpace(b))
	}
	return parseMetrics(resp.Body)
}

// stageMetric is the server's per-stage send latency histogram.
const stageMetric = "parley_send_stage_seconds"

// parseMetrics sums each sample of the text exposition format by metric
// name over its labels; a histogram or summary adds its _sum and _count.
// The send-stage histogram is also returned whole, by stage.
func parseMetrics(r io.Reader) (map[string]float64, map[string]stats.Hist, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: parse: %w", err)
	}
	out := make(map[string]float64)
	var stages map[string]stats.Hist
	for name, mf := range families {
		if name == stageMetric {
			stages = stageHists(mf)
		}
		for _, m := range mf.GetMetric() {
			v, ok := sampleValue(mf.GetType(), m)
			if !ok {
				if h := m.GetHistogram(); h != nil {
					out[name+"_sum"] += h.GetSampleSum()
					out[name+"_count"] += float64(h.GetSampleCount())
				} else if s := m.GetSummary(); s != nil {
					out[name+"_sum"] += s.GetSampleSum()
					out[name+"_count"] += float64(s.GetSampleCount())
				}
				continue
			}
			out[name] += v
			if level, kind := cacheResult(name, m); kind != "" {
				out[kind+level] += v
			}
		}
	}
	return out, stages, nil
}

// stageHists reads the stage histogram family by its "stage" label.
func stageHists(mf *dto.MetricFamily) map[string]stats.Hist {
	out := make(map[string]stats.Hist)
	for _, m := range mf.GetMetric() {
		h := m.GetHistogram()
		if h == nil {
			continue
		}
		var stage string
		for _, lp := range m.GetLabel() {
			if lp.GetName() == "stage" {
				stage = lp.GetValue()
			}
		}
		hist := stats.Hist{Count: h.GetSampleCount(), Sum: h.GetSampleSum()}
		for _, b := range h.GetBucket() {
			hist.Buckets = append(hist.Buckets, stats.Bucket{UpperBound: b.GetUpperBound(), Count: b.GetCumulativeCount()})
		}
		out[stage] = hist
	}
	return out
}

// addHist sums two histograms with the same buckets (two replicas').
func addHist(a, b stats.Hist) stats.Hist {
	if len(a.Buckets) == 0 {
		return b
	}
	out := stats.Hist{Count: a.Count + b.Count, Sum: a.Sum + b.Sum, Buckets: make([]stats.Bucket, len(a.Buckets))}
	copy(out.Buckets, a.Buckets)
	for i := range out.Buckets {
		if i < len(b.Buckets) && b.Buckets[i].UpperBound == out.Buckets[i].UpperBound {
			out.Buckets[i].Count += b.Buckets[i].Count
		}
	}
	return out
}

// sampleValue is the value of a counter, gauge or untyped sample; false
// for histograms and summaries, which have no single value.
func sampleValue(t dto.MetricType, m *dto.Metric) (float64, bool) {
	switch t {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue(), true
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue(), true
	case dto.MetricType_UNTYPED:
		return m.GetUntyped().GetValue(), true
	}
	return 0, false
}

// cacheResult says whether a parley_cache_* sample counts hits ("cache_hits:")
// or misses ("cache_misses:"), by its name or a label value, and of which
// level; kind is "" for any other sample. Untyped histogram lines (no TYPE
// comment) keep their suffixes and are left out like typed ones.
func cacheResult(name string, m *dto.Metric) (level, kind string) {
	if !strings.HasPrefix(name, "parley_cache_") || strings.HasSuffix(name, "_bucket") ||
		strings.HasSuffix(name, "_sum") || strings.HasSuffix(name, "_count") {
		return "", ""
	}
	text := strings.ToLower(name)
	for _, lp := range m.GetLabel() {
		if lp.GetName() == "level" {
			level = lp.GetValue()
		}
		text += " " + strings.ToLower(lp.GetValue())
	}
	switch {
	case strings.Contains(text, "miss"):
		return level, "cache_misses:"
	case strings.Contains(text, "hit"):
		return level, "cache_hits:"
	}
	return "", ""
}

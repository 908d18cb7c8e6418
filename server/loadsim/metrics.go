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
	Cache         map[string]*[2]float64
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
		m, err := s.scrape(ctx, u)
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
func (s *sampler) scrape(ctx context.Context, url string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 400))
		return nil, fmt.Errorf("metrics: %s: status %d: %s", url, resp.StatusCode, bytes.TrimSpace(b))
	}
	return parseMetrics(resp.Body)
}

// parseMetrics sums each sample of the text exposition format by metric
// name over its labels; a histogram or summary adds its _sum and _count.
func parseMetrics(r io.Reader) (map[string]float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("metrics: parse: %w", err)
	}
	out := make(map[string]float64)
	for name, mf := range families {
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
	return out, nil
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

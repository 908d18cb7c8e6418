package loadsim

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ServerSample is the server side at one instant, summed over replicas.
type ServerSample struct {
	At         time.Time
	CPUSeconds float64 // process CPU time, user + system
	RSSBytes   float64
	WSConns    float64 // parley_ws_connections, when exported
	// Cache holds hits and misses of parley_cache_* series per cache level
	// (the "level" label; "" when there is none).
	Cache    map[string]*[2]float64
	HasCPU   bool
	HasWS    bool
	HasCache bool
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

func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := make(map[string]float64)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		key, val := line[:sp], line[sp+1:]
		// A timestamp may follow the value.
		if f := strings.Fields(line); len(f) >= 3 && !strings.Contains(key, "{") {
			key, val = f[0], f[1]
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			continue
		}
		name := key
		if i := strings.IndexByte(key, '{'); i >= 0 {
			name = key[:i]
		}
		out[name] += v
		if strings.HasPrefix(name, "parley_cache_") && !strings.HasSuffix(name, "_bucket") &&
			!strings.HasSuffix(name, "_sum") && !strings.HasSuffix(name, "_count") {
			low := strings.ToLower(key)
			level := labelValue(key, "level")
			switch {
			case strings.Contains(low, "miss"):
				out["cache_misses:"+level] += v
			case strings.Contains(low, "hit"):
				out["cache_hits:"+level] += v
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("metrics: read: %w", err)
	}
	return out, nil
}

// labelValue returns the value of label name in a sample key, or "".
func labelValue(key, name string) string {
	i := strings.Index(key, name+`="`)
	if i < 0 || (i > 0 && key[i-1] != '{' && key[i-1] != ',') {
		return ""
	}
	rest := key[i+len(name)+2:]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return rest[:j]
	}
	return ""
}

// procStat reads a process's CPU seconds and RSS bytes from /proc.
func procStat(pid int) (cpu, rss float64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, fmt.Errorf("proc: %w", err)
	}
	// Fields after the command name, which may contain spaces, in parens.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("proc: malformed stat of %d", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 22 {
		return 0, 0, fmt.Errorf("proc: short stat of %d", pid)
	}
	ut, _ := strconv.ParseFloat(f[11], 64) // utime, field 14
	st, _ := strconv.ParseFloat(f[12], 64) // stime, field 15
	pages, _ := strconv.ParseFloat(f[21], 64)
	const ticks = 100 // USER_HZ on Linux
	return (ut + st) / ticks, pages * float64(os.Getpagesize()), nil
}

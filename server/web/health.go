package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return writeJSON(c, fiber.StatusOK, map[string]string{"status": "ok"})
}

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// readyz asks every dependency, in parallel and briefly. A draining replica
// or a failing critical dependency answers 503 so nginx and orchestrators
// send work elsewhere; a failing optional one (Valkey as a cache) answers
// 200 "degraded".
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	type result struct {
		check Check
		err   error
	}
	results := make(chan result, len(s.checks))
	for _, chk := range s.checks {
		go func() { results <- result{chk, chk.Probe(ctx)} }()
	}
	out := readiness{Status: "ok", Checks: map[string]string{}}
	status := fiber.StatusOK
	for range s.checks {
		r := <-results
		if r.err == nil {
			out.Checks[r.check.Name] = "ok"
			continue
		}
		out.Checks[r.check.Name] = "failing: " + r.err.Error()
		if r.check.Critical {
			out.Status, status = "unavailable", fiber.StatusServiceUnavailable
		} else if out.Status == "ok" {
			out.Status = "degraded"
		}
	}
	if s.draining.Load() {
		out.Status, status = "draining", fiber.StatusServiceUnavailable
	}
	return writeJSON(c, status, out)
}

// readinessCollector probes every /readyz check when Prometheus scrapes,
// as parley_dependency_up{check}: alerting on PostgreSQL or Valkey being
// unreachable must not depend on somebody asking /readyz in between.
// Results younger than readinessMaxAge are reused, because the cluster
// snapshot gathers the registry every few seconds too.
type readinessCollector struct {
	checks []Check
	desc   *prometheus.Desc
	mu     sync.Mutex
	at     time.Time
	up     []float64
}

const readinessMaxAge = 5 * time.Second

func newReadinessCollector(checks []Check) *readinessCollector {
	return &readinessCollector{checks: checks, desc: prometheus.NewDesc("parley_dependency_up",
		"1 when the /readyz check of this dependency passes at scrape time, else 0.", []string{"check", "critical"}, nil)}
}

func (r *readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- r.desc }

func (r *readinessCollector) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.up == nil || time.Since(r.at) > readinessMaxAge {
		r.up, r.at = r.probe(), time.Now()
	}
	for i, chk := range r.checks {
		ch <- prometheus.MustNewConstMetric(r.desc, prometheus.GaugeValue, r.up[i], chk.Name, strconv.FormatBool(chk.Critical))
	}
}

// probe asks every check in parallel, with a timeout shorter than
// Prometheus's default scrape timeout so that a hung dependency reads as
// down instead of failing the whole scrape.
func (r *readinessCollector) probe() []float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	up := make([]float64, len(r.checks))
	var wg sync.WaitGroup
	for i, chk := range r.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if chk.Probe(ctx) == nil {
				up[i] = 1
			}
		}()
	}
	wg.Wait()
	return up
}

package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
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

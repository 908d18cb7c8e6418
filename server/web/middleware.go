package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/web/rules"
)

const (
	localRequestID = "parley.request_id"
	headerInstance = "X-Parley-Instance"
	headerTiming   = "Server-Timing"
	maxRequestID   = 64
)

// recoverPanics turns a panic in a handler into a logged 500 in the
// contract's shape instead of a dropped connection.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.ErrorContext(c.UserContext(), "handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()), "path", c.Path(), "client", rules.ClientIP(c))
			err = fmt.Errorf("web: handler panicked: %v", r)
		}
	}()
	return c.Next()
}

// observe gives every request an id, and records its duration and status
// in the metrics and the log.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	if s.instance != "" {
		c.Set(headerInstance, s.instance)
	}
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
		err = nil
	}
	elapsed := time.Since(start)
	status := c.Response().StatusCode()
	// Fiber's strings point into buffers it reuses: the metric labels
	// outlive the request, so they get their own copies.
	route := strings.Clone(c.Route().Path)
	method := strings.Clone(c.Method())
	s.metrics.observe(method, route, status, elapsed)
	s.admin.observeRequest(method, route, status, elapsed)
	level := slog.LevelDebug
	// A 503 is a refusal at capacity (or a drain): a storm makes thousands
	// and /metrics counts them; logging each would cost the CPU it lacks.
	if status >= 500 && status != fiber.StatusServiceUnavailable {
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request", "method", c.Method(), "route", route, "status", status,
		"ms", elapsed.Seconds()*1000, "client", rules.ClientIP(c), "request_id", id)
	return err
}

// apiHeaders marks API answers: the time the server spent (Server-Timing)
// and, unless a handler says otherwise, no caching.
func (s *Server) apiHeaders(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		err = s.errorHandler(c, err)
	}
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	c.Set(headerTiming, "app;dur="+strconv.FormatFloat(time.Since(start).Seconds()*1000, 'f', 2, 64))
	return err
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if b := id[i]; b <= 0x20 || b >= 0x7f {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

package web

import (
	"net/http/pprof"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
)

// mountPprof serves net/http/pprof under /debug/pprof; Fiber does not use
// http.DefaultServeMux, where the pprof package registers itself.
func mountPprof(f *fiber.App) {
	f.Get("/debug/pprof/cmdline", adaptor.HTTPHandlerFunc(pprof.Cmdline))
	f.Get("/debug/pprof/profile", adaptor.HTTPHandlerFunc(pprof.Profile))
	f.Get("/debug/pprof/symbol", adaptor.HTTPHandlerFunc(pprof.Symbol))
	f.Get("/debug/pprof/trace", adaptor.HTTPHandlerFunc(pprof.Trace))
	f.Get("/debug/pprof/*", adaptor.HTTPHandlerFunc(pprof.Index))
}

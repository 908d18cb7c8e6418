package static_test

import (
	"crypto/rand"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/parleychat/parley/server/static"
)

// BenchmarkServe measures the hot path of a 60 KB brotli asset through the
// whole Fiber stack, without the network.
func BenchmarkServe(b *testing.B) {
	body := make([]byte, 60<<10)
	if _, err := rand.Read(body); err != nil {
		b.Fatal(err)
	}
	h, err := static.New(fstest.MapFS{
		"assets/app-1a2b3c.js":    {Data: body},
		"assets/app-1a2b3c.js.br": {Data: body},
		"sw.js":                   {Data: body[:1000]},
	}, static.Options{})
	if err != nil {
		b.Fatal(err)
	}
	app := fiber.New()
	h.Register(app)
	handler := app.Handler()
	for _, bc := range []struct{ name, path, inm string }{
		{"Immutable", "/assets/app-1a2b3c.js", ""},
		{"Root", "/sw.js", ""},
		{"NotModified", "/sw.js", "*"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.SetMethod(fiber.MethodGet)
			ctx.Request.SetRequestURI(bc.path)
			ctx.Request.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
			if bc.inm != "" {
				ctx.Request.Header.Set("If-None-Match", bc.inm)
			}
			b.ReportAllocs()
			for b.Loop() {
				handler(&ctx)
				if ctx.Response.StatusCode() >= 400 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
				ctx.Response.Reset()
			}
		})
	}
}

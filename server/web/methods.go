package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// unknownMethodBody is the contract's answer to a method no route can
// have; Fiber would answer it in plain text before any handler runs.
const unknownMethodBody = `{"error":{"code":"bad_request","message":"Unknown HTTP method."}}`

// refuseUnknownMethods wraps the server's handler so that a method Fiber
// does not know gets the contract's JSON instead of Fiber's plain text.
func refuseUnknownMethods(next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if slices.Contains(fiber.DefaultMethods, string(ctx.Method())) {
			next(ctx)
			return
		}
		ctx.Response.Header.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		ctx.Response.Header.Set(fiber.HeaderCacheControl, "no-store")
		ctx.SetContentType(fiber.MIMEApplicationJSONCharsetUTF8)
		ctx.SetStatusCode(fiber.StatusBadRequest)
		ctx.SetBodyString(unknownMethodBody)
	}
}

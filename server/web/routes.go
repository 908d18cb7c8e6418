package web

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) routes(o Options) {
	f := s.fiber
	f.Use(s.recoverPanics, s.observe)

	f.Get("/healthz", s.healthz)
	f.Get("/readyz", s.readyz)
	f.Get("/metrics", metricsHandler(o.Registry))
	if o.Pprof {
		mountPprof(f)
	}
	if o.WebSocket != nil {
		f.Get("/ws", s.checkOrigin, s.authenticate(true), o.WebSocket)
	}

	api := f.Group("/api/v1", s.apiHeaders, s.checkOrigin)
	api.Post("/auth/register", s.limitAuth, s.register)
	api.Post("/auth/login", s.limitAuth, s.login)
	api.Post("/auth/logout", s.logout)

	authed := api.Group("", s.authenticate(false))
	authed.Get("/me", s.me)
	authed.Get("/users", s.searchUsers)

	authed.Get("/rooms", s.myRooms)
	authed.Post("/rooms", s.createRoom)
	authed.Get("/rooms/public", s.publicRooms)
	authed.Get("/rooms/:id", s.getRoom)
	authed.Post("/rooms/:id/join", s.joinRoom)
	authed.Post("/rooms/:id/leave", s.leaveRoom)
	authed.Get("/rooms/:id/members", s.members)
	authed.Post("/rooms/:id/members", s.addMember)
	authed.Post("/rooms/:id/read", s.markRead)
	authed.Post("/dms", s.directMessage)

	authed.Get("/rooms/:id/messages", s.listMessages)
	authed.Post("/rooms/:id/messages", s.sendMessage)
	authed.Patch("/rooms/:id/messages/:seq", s.editMessage)
	authed.Delete("/rooms/:id/messages/:seq", s.deleteMessage)

	// Anything else under /api answers the contract's JSON 404, never the
	// SPA's index page that later routes would serve.
	f.All("/api/*", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

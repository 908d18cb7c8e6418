package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/web/rules"
)

func (s *Server) routes(o Options) {
	f := s.fiber
	// Every request, whatever route serves it: the client address first
	// (the logs and the limiters use it), then the canonical path, hostile
	// input, a cross-site WebSocket handshake on any path, and the limit on
	// anonymous requests.
	f.Use(s.recoverPanics, s.proxies.Middleware, s.observe, rules.SecurityHeaders,
		rules.Canonicalize, rules.CheckInput, s.origins.GuardUpgrades, s.limitAnonymous)

	f.Get("/healthz", s.healthz)
	f.Get("/readyz", s.readyz)
	f.Get("/metrics", metricsHandler(o.Registry))
	if o.WebSocket != nil {
		f.Get("/ws", s.origins.RequireSameSite, s.withDeadline, s.authenticate(true), o.WebSocket)
	}

	api := f.Group("/api/v1", s.apiHeaders, s.origins.GuardWrites, s.withDeadline)
	api.Post("/auth/register", s.register)
	api.Post("/auth/login", s.login)
	api.Post("/auth/logout", s.logout)

	api.Get("/admin/cluster", s.adminOnly, s.cluster)

	authed := api.Group("", s.authenticate(false))
	authed.Get("/me", s.me)
	authed.Get("/users", s.searchUsers)

	authed.Get("/rooms", s.myRooms)
	authed.Post("/rooms", s.createRoom)
	authed.Get("/rooms/public", s.publicRooms)
	authed.Get("/rooms/:id", s.getRoom)
	authed.Patch("/rooms/:id", s.updateRoom)
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
	authed.Get("/rooms/:id/messages/:seq/replies", s.listReplies)
	authed.Put("/rooms/:id/messages/:seq/reactions/:emoji", s.addReaction)
	authed.Delete("/rooms/:id/messages/:seq/reactions/:emoji", s.removeReaction)

	authed.Get("/search", s.searchMessages)

	// Anything else under /api (any letter case) answers the contract's
	// JSON 404, never the SPA's index page that later routes would serve.
	f.Use(func(c *fiber.Ctx) error {
		if isAPI(c.Path()) {
			return chat.Errorf(chat.ENOTFOUND, "Not found.")
		}
		return c.Next()
	})
}

func isAPI(path string) bool {
	if len(path) < 4 || !strings.EqualFold(path[:4], "/api") {
		return false
	}
	return len(path) == 4 || path[4] == '/'
}

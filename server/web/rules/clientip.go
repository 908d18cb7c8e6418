package rules

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// localClientIP is where ClientAddr leaves the address it worked out.
const localClientIP = "parley.client_ip"

// Proxies are the addresses (PARLEY_TRUSTED_PROXIES) whose
// X-Forwarded-For is believed.
type Proxies struct {
	nets []netip.Prefix
}

// ParseProxies reads IP addresses and CIDRs.
func ParseProxies(list []string) (Proxies, error) {
	var p Proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if pre, err := netip.ParsePrefix(s); err == nil {
			p.nets = append(p.nets, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return Proxies{}, fmt.Errorf("rules: trusted proxy %q is neither an IP address nor a CIDR", s)
		}
		a = a.Unmap()
		p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// Trusted reports whether a is one of the proxies.
func (p Proxies) Trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr is the address of the client behind the proxies. Only a
// trusted direct peer's X-Forwarded-For counts, and it is read from the
// right: each proxy appends the address it saw, so the right-most entry
// that is not a trusted proxy is the one no client could have written. An
// entry that is not an address ends the walk at the last hop known good.
func (p Proxies) ClientAddr(peer netip.Addr, forwardedFor [][]byte) netip.Addr {
	peer = peer.Unmap()
	if !p.Trusted(peer) {
		return peer
	}
	client := peer
	for i := len(forwardedFor) - 1; i >= 0; i-- {
		entries := bytes.Split(forwardedFor[i], []byte(","))
		for j := len(entries) - 1; j >= 0; j-- {
			a, ok := parseHop(entries[j])
			if !ok {
				return client
			}
			client = a
			if !p.Trusted(a) {
				return a
			}
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port or in brackets, as some proxies write them.
func parseHop(b []byte) (netip.Addr, bool) {
	s := strings.TrimSpace(string(b))
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// Middleware works the client address out once per request and keeps it
// for ClientIP; it must run before any limiter or log line.
func (p Proxies) Middleware(c *fiber.Ctx) error {
	c.Locals(localClientIP, p.clientIP(c))
	return c.Next()
}

func (p Proxies) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	if !p.Trusted(peer) {
		return peer.Unmap().String()
	}
	return p.ClientAddr(peer, c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)).String()
}

// ClientIP is the request's client address as Proxies.Middleware found
// it; without that middleware, the direct peer's.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localClientIP).(string); ok {
		return ip
	}
	if peer, ok := netip.AddrFromSlice(c.Context().RemoteIP()); ok {
		return peer.Unmap().String()
	}
	return c.Context().RemoteIP().String()
}

package hub

// Connections is the number of live sockets on this replica, for the
// memory sampler's bytes-per-socket figure.
func (h *Hub) Connections() int {
	n := 0
	for i := range h.users {
		s := &h.users[i]
		s.mu.RLock()
		for _, u := range s.users {
			n += len(u.conns)
		}
		s.mu.RUnlock()
	}
	return n
}

// QueueDepths calls visit with the send queue length of every live socket.
// Connections are copied out of each shard first, so that visit and the
// per-connection locks never run under a shard lock.
func (h *Hub) QueueDepths(visit func(n int)) {
	var conns []*conn
	for i := range h.users {
		s := &h.users[i]
		conns = conns[:0]
		s.mu.RLock()
		for _, u := range s.users {
			for c := range u.conns {
				conns = append(conns, c)
			}
		}
		s.mu.RUnlock()
		for _, c := range conns {
			c.mu.Lock()
			n := len(c.q)
			c.mu.Unlock()
			visit(n)
		}
	}
}

package inmem_test

import (
	"testing"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/hub/hubtest"
	"github.com/parleychat/parley/server/inmem"
)

func TestPresence(t *testing.T) {
	hubtest.TestPresence(t, func(t *testing.T) (hub.Presence, hub.Presence) {
		p := inmem.NewPresence()
		return p, p
	})
}

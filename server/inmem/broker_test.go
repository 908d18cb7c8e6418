package inmem_test

import (
	"testing"

	"github.com/parleychat/parley/server/hub"
	"github.com/parleychat/parley/server/hub/hubtest"
	"github.com/parleychat/parley/server/inmem"
)

func TestBroker(t *testing.T) {
	hubtest.TestBroker(t, func(t *testing.T) (hub.Broker, hub.Broker) {
		bus := inmem.NewBus()
		return bus.Broker(), bus.Broker()
	})
}

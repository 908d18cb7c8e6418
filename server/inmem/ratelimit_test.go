package inmem_test

import (
	"testing"

	"github.com/parleychat/parley/server/inmem"
	"github.com/parleychat/parley/server/ratelimit/ratelimittest"
)

func TestLimiter(t *testing.T) { ratelimittest.TestLimiter(t, inmem.NewLimiter()) }

func TestBackoff(t *testing.T) { ratelimittest.TestBackoff(t, inmem.NewBackoff(), nil) }

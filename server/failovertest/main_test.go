package failovertest_test

import (
	"os"
	"testing"

	"github.com/parleychat/parley/server/testenv"
)

// TestMain removes the parley binary the tests share when they end.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

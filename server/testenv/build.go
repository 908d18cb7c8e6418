package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The parley binary is built at most once per test binary and shared by
// its tests; Main removes it.
var (
	mainRan   atomic.Bool
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

// Main runs the tests of a package that calls Parley and removes the
// binary afterwards: func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }.
func Main(m *testing.M) int {
	mainRan.Store(true)
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	return code
}

// Parley returns the path of the parley server built from this module,
// building it on first use. A failed build fails every test that asks,
// and only those.
func Parley(tb testing.TB) string {
	tb.Helper()
	if !mainRan.Load() {
		tb.Fatal("testenv: Parley needs the package's TestMain to call testenv.Main")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "parley-testenv-bin-")
		if buildErr == nil {
			buildBin, buildErr = Build(filepath.Join(buildDir, "parley"))
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return buildBin
}

// Build compiles ./server/cmd/parley of this module to out.
func Build(out string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./server/cmd/parley")
	cmd.Dir = RepoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testenv: go build ./server/cmd/parley: %w\n%s", err, b)
	}
	return out, nil
}

// RepoRoot is the module root: this file lives two levels below it.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

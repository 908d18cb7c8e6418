package clustertest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// parleyBin is the server binary built once for every test of the package;
// buildErr says why it is missing, so that only the tests that need it fail.
var (
	parleyBin string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "parley-clustertest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "clustertest: temp dir:", err)
		os.Exit(1)
	}
	parleyBin, buildErr = buildParley(dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildParley(dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := filepath.Join(dir, "parley")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server/cmd/parley")
	cmd.Dir = repoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./server/cmd/parley: %w\n%s", err, out)
	}
	return bin, nil
}

// requireParley fails the test when the server binary could not be built.
func requireParley(tb testing.TB) string {
	tb.Helper()
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return parleyBin
}

// repoRoot is the module root: this file lives two levels below it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

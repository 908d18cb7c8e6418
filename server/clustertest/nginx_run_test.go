package clustertest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// renderNginx runs nginx/render.sh with env and writes the config into dir.
func renderNginx(tb testing.TB, dir string, env map[string]string) string {
	tb.Helper()
	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "nginx", "render.sh"))
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("render nginx config: %v\n%s", err, stderr.String())
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, out, 0o644); err != nil {
		tb.Fatalf("write nginx config: %v", err)
	}
	return conf
}

// nginxBinary finds nginx; a missing nginx fails the test.
func nginxBinary(tb testing.TB) string {
	tb.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	tb.Fatal("nginx is not installed (apt-get install -y nginx-light libnginx-mod-http-brotli-static)")
	return ""
}

// nginxTest runs `nginx -t` on a rendered config.
func nginxTest(tb testing.TB, prefix, conf string) error {
	tb.Helper()
	out, err := exec.Command(nginxBinary(tb), "-t", "-p", prefix, "-c", conf).CombinedOutput()
	if err != nil {
		return fmt.Errorf("nginx -t: %w\n%s", err, out)
	}
	return nil
}

// startNginx renders the template for upstreams and runs nginx on a free
// port until the test ends; it returns nginx's base URL.
func startNginx(tb testing.TB, upstreams []string, extra map[string]string) string {
	tb.Helper()
	prefix := sharedTempDir(tb)
	port := testenv.FreePort(tb)
	env := map[string]string{
		"NGINX_UPSTREAMS": strings.Join(upstreams, " "),
		"NGINX_LISTEN":    fmt.Sprintf("127.0.0.1:%d", port),
		"NGINX_PREFIX":    prefix,
		"NGINX_WORKERS":   "1",
	}
	for k, v := range extra {
		env[k] = v
	}
	conf := renderNginx(tb, prefix, env)
	if err := nginxTest(tb, prefix, conf); err != nil {
		tb.Fatal(err)
	}
	logs, err := os.Create(filepath.Join(prefix, "stderr.log"))
	if err != nil {
		tb.Fatalf("nginx log file: %v", err)
	}
	defer logs.Close()
	cmd := exec.Command(nginxBinary(tb), "-p", prefix, "-c", conf, "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = logs, logs
	p := testenv.RunProcess(tb, cmd, 10*time.Second)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if c, err := dialTCP(ctx, fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		if p.Exited() || ctx.Err() != nil {
			out, _ := os.ReadFile(filepath.Join(prefix, "stderr.log"))
			errLog, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			tb.Fatalf("nginx did not start:\n%s%s", out, errLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			errLog, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			tb.Logf("nginx error.log:\n%s", errLog)
		}
	})
	return base
}

// startParleyBehindNginx runs one real parley replica (in-process cache and
// fan-out, a fresh database) that trusts nginx's X-Forwarded-For, and nginx
// in front of it; env adds or overrides PARLEY_* settings. It returns
// nginx's base URL.
func startParleyBehindNginx(tb testing.TB, env ...string) string {
	tb.Helper()
	srv := testenv.RunServer(tb, testenv.ServerOptions{
		Binary: testenv.Parley(tb),
		Env: append(append([]string{
			"PARLEY_INSTANCE=behind-nginx",
			"VALKEY_URL=",
			"PARLEY_TRUSTED_PROXIES=127.0.0.1",
		}, replicaEnv...), env...),
		Grace: 15 * time.Second,
	})
	return startNginx(tb, []string{srv.Addr}, nil)
}

package clustertest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/testenv"
)

const brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// renderCluster runs `scripts/cluster render` and returns the config and
// the nginx prefix it was rendered for.
func renderCluster(tb testing.TB, env ...string) (conf, prefix string) {
	tb.Helper()
	dir := sharedTempDir(tb)
	prefix = filepath.Join(dir, "nginx")
	if err := os.Mkdir(prefix, 0o755); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "scripts", "cluster"), "render")
	cmd.Env = append(os.Environ(), "CLUSTER_DIR="+dir)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("scripts/cluster render: %v", err)
	}
	conf = filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(conf, out, 0o644); err != nil {
		tb.Fatal(err)
	}
	return conf, prefix
}

// directives drops comments, which document the placeholders.
func directives(conf string) string {
	var b strings.Builder
	for line := range strings.Lines(conf) {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

func readConf(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return directives(string(b))
}

func TestNginxConfig(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		conf, prefix := renderCluster(t, "CLUSTER_REPLICAS=3", "CLUSTER_BASE_PORT=9101", "CLUSTER_NGINX_PORT=9188")
		if err := nginxTest(t, prefix, conf); err != nil {
			t.Fatal(err)
		}
		got := readConf(t, conf)
		for _, want := range []string{
			"ip_hash;",
			"server 127.0.0.1:9101 max_fails=",
			"server 127.0.0.1:9102 max_fails=",
			"server 127.0.0.1:9103 max_fails=",
			"listen 127.0.0.1:9188",
			"keepalive 64;",
			"proxy_http_version 1.1;",
			"proxy_set_header Upgrade $http_upgrade;",
			"proxy_set_header Connection $connection_upgrade;",
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
			"proxy_set_header X-Forwarded-Proto $scheme;",
			"proxy_set_header X-Real-IP $remote_addr;",
			"proxy_next_upstream error timeout",
			"worker_shutdown_timeout",
			"proxy_cache parley_assets;",
			"gzip_static on;",
			// The replicas' default PARLEY_BODY_LIMIT.
			"client_max_body_size 65536;",
			"location ~* ^/(metrics|debug/pprof)(/|$) {",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("rendered config lacks %q", want)
			}
		}
		if strings.Contains(got, "{{") {
			t.Errorf("rendered config still has a placeholder:\n%s", got)
		}
		if strings.Contains(got, "location = /metrics") {
			t.Error("an exact-path rule for /metrics misses /metrics/ and /METRICS")
		}
		if strings.Contains(got, "non_idempotent") {
			t.Error("POSTs must never be retried on another replica")
		}
		if regexp.MustCompile(`proxy_next_upstream [^;]*http_503`).MatchString(got) {
			t.Error("a replica's 503 (at capacity) must be passed through, not retried or counted as a failure")
		}
		if !strings.Contains(got, "error_page 502 504 =503 @unavailable;") {
			t.Error("nginx's own 502/504 must answer the API's JSON 503")
		}
		// Replicas ping every 25 s and wait 60 s for a pong: nginx must not
		// cut an idle socket before that.
		for _, name := range []string{"proxy_read_timeout", "proxy_send_timeout"} {
			m := regexp.MustCompile(name + ` (\d+)s;`).FindStringSubmatch(got)
			if m == nil {
				t.Errorf("%s not set in seconds", name)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n <= 60 {
				t.Errorf("%s = %ds, want above the 60 s pong timeout", name, n)
			}
		}
		_, err := os.Stat(brotliModule)
		hasModule := err == nil
		if got, want := strings.Contains(got, "brotli_static on;"), hasModule; got != want {
			t.Errorf("brotli_static present = %v, want %v (module installed: %v)", got, want, hasModule)
		}
	})

	t.Run("OKWithoutBrotliModule", func(t *testing.T) {
		conf, prefix := renderCluster(t, "NGINX_MODULES_DIR="+t.TempDir())
		if err := nginxTest(t, prefix, conf); err != nil {
			t.Fatal(err)
		}
		got := readConf(t, conf)
		if strings.Contains(got, "brotli") || strings.Contains(got, "load_module") {
			t.Errorf("config refers to brotli without the module:\n%s", got)
		}
	})

	t.Run("OKBodyLimitFollowsParley", func(t *testing.T) {
		conf, prefix := renderCluster(t, "PARLEY_BODY_LIMIT=131072")
		if err := nginxTest(t, prefix, conf); err != nil {
			t.Fatal(err)
		}
		if got := readConf(t, conf); !strings.Contains(got, "client_max_body_size 131072;") {
			t.Error("client_max_body_size does not follow PARLEY_BODY_LIMIT")
		}
	})

	t.Run("ErrBadBodyLimit", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "nginx", "render.sh"))
		cmd.Env = append(os.Environ(), "NGINX_UPSTREAMS=127.0.0.1:1", "NGINX_PREFIX="+t.TempDir(), "NGINX_BODY_LIMIT=1m; evil")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "NGINX_BODY_LIMIT") {
			t.Fatalf("render.sh accepted a bad body limit: %v\n%s", err, out)
		}
	})

	t.Run("ErrNoUpstreams", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "nginx", "render.sh"))
		cmd.Env = append(os.Environ(), "NGINX_UPSTREAMS=", "NGINX_PREFIX="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("render.sh without upstreams succeeded:\n%s", out)
		}
		if !strings.Contains(string(out), "NGINX_UPSTREAMS") {
			t.Errorf("error does not name NGINX_UPSTREAMS: %s", out)
		}
	})
}

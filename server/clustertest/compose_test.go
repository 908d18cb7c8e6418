package clustertest_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"

	"github.com/parleychat/parley/server/testenv"
)

// composeFile is the part of the Compose specification Parley relies on.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Networks map[string]struct {
		IPAM struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Profiles    []string          `yaml:"profiles"`
	Build       string            `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Deploy      struct {
		Replicas int `yaml:"replicas"`
	} `yaml:"deploy"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Networks map[string]struct {
		IPv4Address string `yaml:"ipv4_address"`
	} `yaml:"networks"`
}

func loadCompose(tb testing.TB) composeFile {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "docker-compose.yml"))
	if err != nil {
		tb.Fatalf("read docker-compose.yml: %v", err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		tb.Fatalf("parse docker-compose.yml: %v", err)
	}
	return f
}

func TestCompose(t *testing.T) {
	f := loadCompose(t)
	svc := func(name string) composeService {
		t.Helper()
		s, ok := f.Services[name]
		if !ok {
			t.Fatalf("service %q missing; have %v", name, keys(f.Services))
		}
		return s
	}
	parley, nginx, pg, valkey := svc("parley"), svc("nginx"), svc("postgres"), svc("valkey")

	t.Run("OKServicesHealthchecked", func(t *testing.T) {
		for name, s := range f.Services {
			if len(s.Healthcheck.Test) == 0 {
				t.Errorf("service %q has no healthcheck", name)
			}
		}
		if !strings.Contains(strings.Join(parley.Healthcheck.Test, " "), "/readyz") {
			t.Errorf("parley healthcheck %v does not probe /readyz", parley.Healthcheck.Test)
		}
		for dep, want := range map[string][]string{"parley": {"postgres", "valkey"}, "nginx": {"parley"}} {
			for _, w := range want {
				if got := f.Services[dep].DependsOn[w].Condition; got != "service_healthy" {
					t.Errorf("%s depends_on %s condition = %q, want service_healthy", dep, w, got)
				}
			}
		}
		if !strings.HasPrefix(pg.Image, "postgres:") || !strings.HasPrefix(valkey.Image, "valkey/valkey:") {
			t.Errorf("images postgres=%q valkey=%q", pg.Image, valkey.Image)
		}
	})

	t.Run("OKParleyReplicas", func(t *testing.T) {
		if parley.Deploy.Replicas < 2 {
			t.Errorf("parley deploy.replicas = %d, want several", parley.Deploy.Replicas)
		}
		if parley.Build == "" {
			t.Error("parley has no build context")
		} else if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), parley.Build, "Dockerfile")); err != nil {
			t.Errorf("parley build context has no Dockerfile: %v", err)
		}
		env := parley.Environment
		for _, name := range []string{"PARLEY_ADDR", "DATABASE_URL", "VALKEY_URL", "PARLEY_KEY_PREFIX", "PARLEY_TRUSTED_PROXIES"} {
			if env[name] == "" {
				t.Errorf("parley environment lacks %s", name)
			}
		}
		// The replicas must reach the other services by their names.
		for name, host := range map[string]string{"DATABASE_URL": "postgres", "VALKEY_URL": "valkey"} {
			u, err := url.Parse(env[name])
			if err != nil || u.Hostname() != host {
				t.Errorf("%s = %q, want host %q", name, env[name], host)
			}
		}
		if got, want := env["PARLEY_TRUSTED_PROXIES"], nginx.Networks["backend"].IPv4Address; want == "" || got != want {
			t.Errorf("PARLEY_TRUSTED_PROXIES = %q, want nginx's fixed address %q", got, want)
		}
	})

	t.Run("OKNginxRendersTheTemplate", func(t *testing.T) {
		mounted := map[string]string{} // container path -> host path
		for _, v := range nginx.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Errorf("volume %q is not host:container", v)
				continue
			}
			mounted[parts[1]] = parts[0]
			if _, err := os.Stat(filepath.Join(testenv.RepoRoot(), parts[0])); err != nil {
				t.Errorf("nginx mounts %q, which does not exist: %v", parts[0], err)
			}
		}
		if got := mounted["/etc/parley/nginx.conf"]; filepath.Clean(got) != "nginx/nginx.conf" {
			t.Errorf("nginx template mounted from %q, want ./nginx/nginx.conf", got)
		}
		if got := mounted["/etc/parley/render.sh"]; filepath.Clean(got) != "nginx/render.sh" {
			t.Errorf("renderer mounted from %q, want ./nginx/render.sh", got)
		}
		cmd := strings.Join(nginx.Command, " ")
		if !strings.Contains(cmd, "render.sh /etc/parley/nginx.conf") || !strings.Contains(cmd, "exec nginx") {
			t.Errorf("nginx command does not render the template and exec nginx: %q", cmd)
		}
		_, port, _ := strings.Cut(parley.Environment["PARLEY_ADDR"], ":")
		if got, want := nginx.Environment["NGINX_UPSTREAMS"], "parley:"+port; got != want {
			t.Errorf("NGINX_UPSTREAMS = %q, want %q (the parley service and its port)", got, want)
		}
		if len(nginx.Ports) == 0 {
			t.Error("nginx publishes no port")
		}
		// Rendered with the compose settings, the config names the service.
		env := map[string]string{}
		for k, v := range nginx.Environment {
			env[k] = v
		}
		env["NGINX_PREFIX"] = t.TempDir()
		b, err := os.ReadFile(renderNginx(t, t.TempDir(), env))
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^\s*server parley:\d+ max_fails=`).Match(b) {
			t.Errorf("rendered compose config has no upstream for the parley service")
		}
	})

	t.Run("OKDockerfileStages", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		df := string(raw)
		for _, want := range []string{
			"FROM node:", "npm ci", "npm run build",
			"FROM golang:", "go build", "./server/cmd/parley",
			"COPY --from=web", "COPY --from=server", "HEALTHCHECK", "/readyz", "USER ",
		} {
			if !strings.Contains(df, want) {
				t.Errorf("Dockerfile lacks %q", want)
			}
		}
		if n := strings.Count(df, "\nFROM "); n < 3 {
			t.Errorf("Dockerfile has %d stages, want build, server and runtime", n)
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

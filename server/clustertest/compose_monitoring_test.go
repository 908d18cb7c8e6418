package clustertest_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v2"

	"github.com/parleychat/parley/server/testenv"
)

// promConfig is the part of monitoring/prometheus.yml the profile relies on.
type promConfig struct {
	RuleFiles     []string `yaml:"rule_files"`
	ScrapeConfigs []struct {
		JobName     string `yaml:"job_name"`
		MetricsPath string `yaml:"metrics_path"`
		DNSSD       []struct {
			Names []string `yaml:"names"`
			Type  string   `yaml:"type"`
			Port  int      `yaml:"port"`
		} `yaml:"dns_sd_configs"`
	} `yaml:"scrape_configs"`
}

// TestComposeMonitoring checks the `monitoring` profile: Prometheus scrapes
// every replica's admin listener inside the compose network, Grafana is
// provisioned with the dashboard, and neither the admin port nor /metrics
// is reachable through nginx.
func TestComposeMonitoring(t *testing.T) {
	f := loadCompose(t)
	root := testenv.RepoRoot()
	parley := f.Services["parley"]
	_, adminPort, err := net.SplitHostPort(parley.Environment["PARLEY_ADMIN_ADDR"])
	if err != nil || adminPort == "" {
		t.Fatalf("parley PARLEY_ADMIN_ADDR = %q, want host:port for Prometheus to scrape", parley.Environment["PARLEY_ADMIN_ADDR"])
	}
	mounts := func(s composeService) map[string]string { // container path -> host path
		out := map[string]string{}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) >= 2 && strings.HasPrefix(parts[0], ".") {
				out[parts[1]] = filepath.Clean(parts[0])
				if _, err := os.Stat(filepath.Join(root, parts[0])); err != nil {
					t.Errorf("%s is mounted but missing: %v", parts[0], err)
				}
			}
		}
		return out
	}

	t.Run("OKServicesInTheProfileOnly", func(t *testing.T) {
		for _, name := range []string{"prometheus", "grafana"} {
			s, ok := f.Services[name]
			if !ok {
				t.Fatalf("service %q missing", name)
			}
			if !slices.Contains(s.Profiles, "monitoring") {
				t.Errorf("%s profiles = %v, want monitoring", name, s.Profiles)
			}
			for _, p := range s.Ports {
				if !strings.HasPrefix(p, "127.0.0.1:") {
					t.Errorf("%s publishes %q beyond loopback", name, p)
				}
			}
		}
		// A plain `docker compose up` must stay the chat alone.
		for _, name := range []string{"postgres", "valkey", "parley", "nginx"} {
			if p := f.Services[name].Profiles; len(p) > 0 {
				t.Errorf("%s is under profiles %v; it must run without one", name, p)
			}
		}
	})

	t.Run("OKPrometheusScrapesEveryReplica", func(t *testing.T) {
		m := mounts(f.Services["prometheus"])
		if m["/etc/prometheus/prometheus.yml"] != "monitoring/prometheus.yml" {
			t.Fatalf("prometheus mounts %v, want ./monitoring/prometheus.yml", m)
		}
		raw, err := os.ReadFile(filepath.Join(root, "monitoring", "prometheus.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var pc promConfig
		if err := yaml.Unmarshal(raw, &pc); err != nil {
			t.Fatalf("parse prometheus.yml: %v", err)
		}
		// Docker's DNS answers the service name with every replica's
		// address, so one A lookup of "parley" names all of them, scaled
		// ones included; a fixed list would miss --scale.
		found := false
		for _, sc := range pc.ScrapeConfigs {
			for _, d := range sc.DNSSD {
				if slices.Equal(d.Names, []string{"parley"}) && d.Type == "A" && d.Port > 0 {
					found = true
					if got := d.Port; adminPort != strconv.Itoa(got) {
						t.Errorf("job %s scrapes port %d, want the admin port %s", sc.JobName, got, adminPort)
					}
					if sc.MetricsPath != "" && sc.MetricsPath != "/metrics" {
						t.Errorf("job %s metrics_path %q", sc.JobName, sc.MetricsPath)
					}
				}
			}
		}
		if !found {
			t.Errorf("no scrape job discovers the parley service's replicas by DNS (type A)")
		}
		// The rule files Prometheus loads are the ones promtool checks.
		rulesDir := ""
		for c, h := range m {
			if h == "monitoring/rules" {
				rulesDir = c
			}
		}
		if rulesDir == "" || !slices.Contains(pc.RuleFiles, rulesDir+"/*.yml") {
			t.Errorf("rule_files %v do not load the mounted monitoring/rules (at %q)", pc.RuleFiles, rulesDir)
		}
	})

	t.Run("OKAdminPortNotExposed", func(t *testing.T) {
		for _, p := range parley.Ports {
			if strings.Contains(p, adminPort) {
				t.Errorf("parley publishes %q: the admin listener must stay inside the network", p)
			}
		}
		env := map[string]string{}
		for k, v := range f.Services["nginx"].Environment {
			env[k] = v
		}
		env["NGINX_PREFIX"] = t.TempDir()
		b, err := os.ReadFile(renderNginx(t, t.TempDir(), env))
		if err != nil {
			t.Fatal(err)
		}
		conf := string(b)
		if strings.Contains(conf, ":"+adminPort) {
			t.Errorf("rendered nginx config mentions the admin port %s", adminPort)
		}
		// /metrics (any case, with or without a trailing slash) answers
		// 404 at nginx instead of reaching a replica.
		if !regexp.MustCompile(`location ~\* \^/\(metrics\|[^)]*\)\(/\|\$\) \{\s*[^}]*return 404`).MatchString(conf) {
			t.Errorf("rendered nginx config does not refuse /metrics")
		}
	})

	t.Run("OKGrafanaProvisioned", func(t *testing.T) {
		m := mounts(f.Services["grafana"])
		if m["/etc/grafana/provisioning"] != "monitoring/grafana/provisioning" || m["/var/lib/grafana/dashboards"] != "monitoring/grafana/dashboards" {
			t.Fatalf("grafana mounts %v, want the provisioning and dashboards folders", m)
		}
		raw, err := os.ReadFile(filepath.Join(root, "monitoring", "grafana", "dashboards", "parley.json"))
		if err != nil {
			t.Fatal(err)
		}
		var dash struct {
			Panels []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
				Datasource  struct {
					UID string `json:"uid"`
				} `json:"datasource"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &dash); err != nil {
			t.Fatalf("parse dashboard: %v", err)
		}
		ds, err := os.ReadFile(filepath.Join(root, "monitoring", "grafana", "provisioning", "datasources", "prometheus.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, p := range dash.Panels {
			if !strings.Contains(string(ds), "uid: "+p.Datasource.UID) {
				t.Errorf("panel %q uses datasource %q, which is not provisioned", p.Title, p.Datasource.UID)
			}
			text.WriteString(p.Description)
			for _, q := range p.Targets {
				text.WriteString(" " + q.Expr)
			}
		}
		// The same panels as the alerts: each alert is named by a panel.
		rules, err := os.ReadFile(filepath.Join(root, "monitoring", "rules", "parley.yml"))
		if err != nil {
			t.Fatal(err)
		}
		alerts := regexp.MustCompile(`(?m)^\s*- alert: (\S+)`).FindAllStringSubmatch(string(rules), -1)
		if len(alerts) < 9 {
			t.Fatalf("%d alerts in the rules, want the 9 SLO alerts", len(alerts))
		}
		for _, a := range alerts {
			if !strings.Contains(text.String(), a[1]) {
				t.Errorf("no dashboard panel shows alert %s", a[1])
			}
		}
	})
}

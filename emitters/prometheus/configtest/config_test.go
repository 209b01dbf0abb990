// Package configtest loads svcgen's plain scrape_configs fragment with
// Prometheus's own config package, kubernetes_sd_configs included. It is a
// module of its own: the Kubernetes service discovery brings client-go,
// which svcgen itself never needs (make test runs it).
package configtest

import (
	"io"
	"log/slog"
	"testing"

	promconfig "github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery/kubernetes" // registers kubernetes_sd_configs

	"github.com/svcgen/svcgen/emitters/prometheus"
	"github.com/svcgen/svcgen/examples"
)

// TestPrometheusLoadsTheFragment: Prometheus accepts the fragment as a
// configuration, with one pod-role job per service restricted to the
// catalog's namespace and selecting the service's pods.
func TestPrometheusLoadsTheFragment(t *testing.T) {
	for _, ex := range examples.Names() {
		t.Run(ex, func(t *testing.T) {
			c := examples.Compile(t, ex)
			files, err := prometheus.Emitter{}.Emit(c)
			if err != nil {
				t.Fatal(err)
			}
			var data []byte
			for _, f := range files {
				if f.Path == prometheus.ScrapeConfigPath {
					data = f.Data
				}
			}
			cfg, err := promconfig.Load(string(data), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatalf("Prometheus refuses %s: %v\n%s", prometheus.ScrapeConfigPath, err, data)
			}
			if len(cfg.ScrapeConfigs) != len(c.Services) {
				t.Fatalf("%d jobs for %d services", len(cfg.ScrapeConfigs), len(c.Services))
			}
			for i, sc := range cfg.ScrapeConfigs {
				s := c.Services[i]
				if sc.JobName != s.Name || sc.MetricsPath != s.Metrics.Path {
					t.Errorf("job %s path %s, want %s %s", sc.JobName, sc.MetricsPath, s.Name, s.Metrics.Path)
				}
				if len(sc.ServiceDiscoveryConfigs) != 1 {
					t.Fatalf("%s: %d discovery configs", s.Name, len(sc.ServiceDiscoveryConfigs))
				}
				sd, ok := sc.ServiceDiscoveryConfigs[0].(*kubernetes.SDConfig)
				if !ok || sd.Role != kubernetes.RolePod || len(sd.NamespaceDiscovery.Names) != 1 || sd.NamespaceDiscovery.Names[0] != c.Settings.Namespace {
					t.Errorf("%s: discovery %+v", s.Name, sc.ServiceDiscoveryConfigs[0])
				}
				if len(sd.Selectors) != 1 || sd.Selectors[0].Label != "app.kubernetes.io/name="+s.Name {
					t.Errorf("%s: selectors %+v", s.Name, sd.Selectors)
				}
			}
		})
	}
}

package prometheus_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/kubernetes"
	"github.com/svcgen/svcgen/emitters/prometheus"
	"github.com/svcgen/svcgen/examples"
)

// files runs the scrape and Kubernetes emitters over an example.
func files(t *testing.T, c *catalog.Catalog) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, e := range []emit.Emitter{prometheus.Emitter{}, kubernetes.Emitter{}} {
		fs, err := emit.Collect(c, e)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			out[f.Path] = f.Data
		}
	}
	return out
}

// podTemplates decodes the Deployments of a service's Kubernetes file.
func podTemplates(t *testing.T, data []byte) []appsv1.Deployment {
	t.Helper()
	var out []appsv1.Deployment
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		if !bytes.Contains(doc, []byte("\nkind: Deployment\n")) {
			continue
		}
		var d appsv1.Deployment
		if err := sigsyaml.UnmarshalStrict(doc, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// discovered is the target kubernetes_sd (role pod) discovers for one
// container port of a pod with the given labels.
func discovered(c *catalog.Catalog, podLabels map[string]string, port int) labels.Labels {
	b := labels.NewScratchBuilder(0)
	b.Add(model.AddressLabel, "10.0.0.7:"+itoa(port))
	b.Add(model.MetricsPathLabel, "/metrics")
	b.Add(model.JobLabel, "x")
	b.Add("__meta_kubernetes_namespace", c.Settings.Namespace)
	b.Add("__meta_kubernetes_pod_name", "pod-1")
	b.Add("__meta_kubernetes_pod_phase", "Running")
	b.Add("__meta_kubernetes_pod_container_port_number", itoa(port))
	for k, v := range podLabels {
		b.Add(conventions.MetaPodLabel(k), v)
	}
	b.Sort()
	return b.Labels()
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestScrapeContract: for every service of every example, the PodMonitor
// decodes strictly into prometheus-operator's types and selects the pods of
// each of its Deployments, and the plain scrape job loads in Prometheus's
// own config loader; run through Prometheus's own relabelling on the target
// discovered for a Deployment's pod, the job keeps the metrics port only and
// gives the series the service label the rules read and the catalog's
// cluster, which the dashboards filter on.
func TestScrapeContract(t *testing.T) {
	for _, ex := range examples.Names() {
		t.Run(ex, func(t *testing.T) {
			c := examples.Compile(t, ex)
			fs := files(t, c)
			// Prometheus's own relabel configs, with their defaults and
			// validation (the whole file loads in Prometheus's config
			// package in ./configtest, a module of its own).
			var cfg struct {
				ScrapeConfigs []*struct {
					JobName        string            `yaml:"job_name"`
					RelabelConfigs []*relabel.Config `yaml:"relabel_configs"`
				} `yaml:"scrape_configs"`
			}
			if err := yaml.Unmarshal(fs[prometheus.ScrapeConfigPath], &cfg); err != nil {
				t.Fatalf("%s: %v", prometheus.ScrapeConfigPath, err)
			}
			type job = struct {
				JobName        string            `yaml:"job_name"`
				RelabelConfigs []*relabel.Config `yaml:"relabel_configs"`
			}
			jobs := map[string]*job{}
			for _, sc := range cfg.ScrapeConfigs {
				for _, rc := range sc.RelabelConfigs {
					if err := rc.Validate(model.LegacyValidation); err != nil {
						t.Errorf("%s: %v", sc.JobName, err)
					}
				}
				jobs[sc.JobName] = (*job)(sc)
			}
			for _, s := range c.Services {
				var pm monitoringv1.PodMonitor
				if err := sigsyaml.UnmarshalStrict(fs[prometheus.PodMonitorPath(s.Name)], &pm); err != nil {
					t.Fatalf("%s: PodMonitor does not decode strictly: %v", s.Name, err)
				}
				if pm.Kind != monitoringv1.PodMonitorsKind || pm.APIVersion != "monitoring.coreos.com/v1" || pm.Namespace != c.Settings.Namespace {
					t.Errorf("%s: PodMonitor %s %s in %q", s.Name, pm.APIVersion, pm.Kind, pm.Namespace)
				}
				sc := jobs[s.Name]
				if sc == nil {
					t.Fatalf("%s: no scrape job", s.Name)
				}
				deps := podTemplates(t, fs["kubernetes/"+s.Name+".yaml"])
				if len(deps) == 0 {
					t.Fatalf("%s: no Deployment", s.Name)
				}
				for _, d := range deps {
					pod := d.Spec.Template.Labels
					for k, v := range pm.Spec.Selector.MatchLabels {
						if pod[k] != v {
							t.Errorf("%s: PodMonitor selects %s=%s, Deployment %s's pods have %q", s.Name, k, v, d.Name, pod[k])
						}
					}
					ports := map[string]int32{}
					for _, p := range d.Spec.Template.Spec.Containers[0].Ports {
						ports[p.Name] = p.ContainerPort
					}
					ep := pm.Spec.PodMetricsEndpoints[0]
					if ep.Port == nil || ports[*ep.Port] != int32(s.Metrics.Port) || ep.Path != s.Metrics.Path {
						t.Errorf("%s: PodMonitor scrapes port %v path %s; pod ports %v, metrics on %d %s", s.Name, ep.Port, ep.Path, ports, s.Metrics.Port, s.Metrics.Path)
					}
					// Every container port is a target; only the metrics
					// port's is kept, with the labels the rules read.
					kept := 0
					for _, port := range ports {
						lb := labels.NewBuilder(discovered(c, pod, int(port)))
						if !relabel.ProcessBuilder(lb, sc.RelabelConfigs...) {
							continue
						}
						got := lb.Labels()
						kept++
						if v := got.Get(c.Settings.Metrics.ServiceLabel); v != s.Name {
							t.Errorf("%s: scraped series get %s=%q, want %q", s.Name, c.Settings.Metrics.ServiceLabel, v, s.Name)
						}
						if v := got.Get(conventions.AlertLabelCluster); v != c.Settings.Cluster {
							t.Errorf("%s: scraped series get cluster=%q, want %q", s.Name, v, c.Settings.Cluster)
						}
					}
					if kept != 1 {
						t.Errorf("%s: %d of the pod's ports are scraped, want the metrics port only", s.Name, kept)
					}
					// The PodMonitor's relabelings say the same, in the
					// operator's spelling.
					var targets []string
					for _, rc := range ep.RelabelConfigs {
						targets = append(targets, rc.TargetLabel)
					}
					if !strings.Contains(strings.Join(targets, ","), c.Settings.Metrics.ServiceLabel+","+conventions.AlertLabelCluster) {
						t.Errorf("%s: PodMonitor relabels %v", s.Name, targets)
					}
				}
			}
		})
	}
}

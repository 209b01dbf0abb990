package prometheus

// The scrape side of the labels the rules and dashboards read
// (catalog/names_scrape.go): a prometheus-operator PodMonitor per service,
// and the same contract as a plain Prometheus scrape_configs fragment for a
// Prometheus without the operator.

import (
	"bytes"
	"fmt"
	"strconv"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
)

// ScrapeConfigPath is the plain Prometheus fragment: its scrape_configs go
// into prometheus.yml.
const ScrapeConfigPath = Dir + "/scrape-configs.yml"

// PodMonitorPath is the PodMonitor of a service.
func PodMonitorPath(service string) string { return Dir + "/operator/" + service + ".podmonitor.yaml" }

// scrapeFiles are the PodMonitors and the scrape_configs fragment.
func scrapeFiles(c *catalog.Catalog) ([]emit.File, error) {
	var files []emit.File
	var jobs []scrapeConfig
	for _, s := range c.Services {
		data, err := sigsyaml.Marshal(PodMonitor(c, s))
		if err != nil {
			return nil, fmt.Errorf("scrape: PodMonitor of %s: %w", s.Name, err)
		}
		files = append(files, emit.File{Path: PodMonitorPath(s.Name), Data: append([]byte(header), data...)})
		jobs = append(jobs, job(c, s))
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("# The scrape side of the labels svcgen's rules and dashboards read: one job per\n" +
		"# service, selecting its pods by app.kubernetes.io/name and relabelling the\n" +
		"# service and cluster labels. Add these jobs to prometheus.yml's scrape_configs.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(fragment{ScrapeConfigs: jobs}); err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	files = append(files, emit.File{Path: ScrapeConfigPath, Data: b.Bytes()})
	return files, nil
}

// relabel is one relabelling step both outputs share.
type relabel struct {
	source      []string
	target      string
	replacement string
	action      string
}

// relabels maps a discovered pod to the labels the rules read: the service
// (from the pod's app.kubernetes.io/name) under the catalog's service
// label, the catalog's cluster as a constant, and the pod's namespace, name
// and subset (version) for people.
func relabels(c *catalog.Catalog) []relabel {
	return []relabel{
		{source: []string{conventions.MetaPodLabel(conventions.LabelName)}, target: c.Settings.Metrics.ServiceLabel, action: "replace"},
		{target: conventions.AlertLabelCluster, replacement: c.Settings.Cluster, action: "replace"},
		{source: []string{"__meta_kubernetes_namespace"}, target: "namespace", action: "replace"},
		{source: []string{"__meta_kubernetes_pod_name"}, target: "pod", action: "replace"},
		{source: []string{conventions.MetaPodLabel(conventions.LabelVersion)}, target: conventions.LabelVersion, action: "replace"},
	}
}

// PodMonitor selects the service's pods (every Deployment: stable, canary,
// both colours; a ServiceMonitor would see only those behind the Service's
// selector) on their metrics port.
func PodMonitor(c *catalog.Catalog, s *catalog.Service) *monitoringv1.PodMonitor {
	var rcs []monitoringv1.RelabelConfig
	for _, r := range relabels(c) {
		rc := monitoringv1.RelabelConfig{TargetLabel: r.target, Action: r.action}
		for _, l := range r.source {
			rc.SourceLabels = append(rc.SourceLabels, monitoringv1.LabelName(l))
		}
		if r.replacement != "" {
			rc.Replacement = new(r.replacement)
		}
		rcs = append(rcs, rc)
	}
	return &monitoringv1.PodMonitor{
		TypeMeta: metav1.TypeMeta{APIVersion: monitoringv1.SchemeGroupVersion.String(), Kind: monitoringv1.PodMonitorsKind},
		ObjectMeta: metav1.ObjectMeta{
			Name:      s.Name,
			Namespace: c.Settings.Namespace,
			Labels:    map[string]string{conventions.LabelName: s.Name, "app.kubernetes.io/managed-by": "svcgen"},
		},
		Spec: monitoringv1.PodMonitorSpec{
			Selector:          metav1.LabelSelector{MatchLabels: map[string]string{conventions.LabelName: s.Name}},
			NamespaceSelector: monitoringv1.NamespaceSelector{MatchNames: []string{c.Settings.Namespace}},
			PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{
				Port:           new(conventions.MetricsPortName(s.Port, s.Metrics.Port)),
				Path:           s.Metrics.Path,
				RelabelConfigs: rcs,
			}},
		},
	}
}

// The plain Prometheus configuration svcgen writes, field names as
// prometheus.yml spells them.
type fragment struct {
	ScrapeConfigs []scrapeConfig `yaml:"scrape_configs"`
}

type scrapeConfig struct {
	JobName        string          `yaml:"job_name"`
	MetricsPath    string          `yaml:"metrics_path"`
	KubernetesSD   []kubernetesSD  `yaml:"kubernetes_sd_configs"`
	RelabelConfigs []relabelConfig `yaml:"relabel_configs"`
}

type kubernetesSD struct {
	Role       string       `yaml:"role"`
	Namespaces namespaces   `yaml:"namespaces"`
	Selectors  []sdSelector `yaml:"selectors"`
}

type namespaces struct {
	Names []string `yaml:"names"`
}

type sdSelector struct {
	Role  string `yaml:"role"`
	Label string `yaml:"label"`
}

type relabelConfig struct {
	SourceLabels []string `yaml:"source_labels,omitempty,flow"`
	Regex        string   `yaml:"regex,omitempty"`
	TargetLabel  string   `yaml:"target_label,omitempty"`
	Replacement  string   `yaml:"replacement,omitempty"`
	Action       string   `yaml:"action"`
}

// job is the service's scrape job: its pods in the namespace (selected on
// the API server), the metrics container port only, running pods only,
// then the shared relabelling.
func job(c *catalog.Catalog, s *catalog.Service) scrapeConfig {
	rcs := []relabelConfig{
		{SourceLabels: []string{"__meta_kubernetes_pod_container_port_number"}, Regex: strconv.Itoa(s.Metrics.Port), Action: "keep"},
		{SourceLabels: []string{"__meta_kubernetes_pod_phase"}, Regex: "Pending|Succeeded|Failed", Action: "drop"},
	}
	for _, r := range relabels(c) {
		rcs = append(rcs, relabelConfig{SourceLabels: r.source, TargetLabel: r.target, Replacement: r.replacement, Action: r.action})
	}
	return scrapeConfig{
		JobName:     s.Name,
		MetricsPath: s.Metrics.Path,
		KubernetesSD: []kubernetesSD{{
			Role:       "pod",
			Namespaces: namespaces{Names: []string{c.Settings.Namespace}},
			Selectors:  []sdSelector{{Role: "pod", Label: conventions.LabelName + "=" + s.Name}},
		}},
		RelabelConfigs: rcs,
	}
}

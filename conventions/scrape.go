package conventions

import "strings"

// The scrape contract: the labels the rules and dashboards read on raw
// series, and where they come from. The Kubernetes target gives every pod
// LabelName (and PodServiceLabel's label); the Prometheus target's PodMonitor
// and plain scrape_configs select pods by LabelName and relabel:
//
//	__meta_kubernetes_pod_label_app_kubernetes_io_name → settings.metrics.labels.service
//	settings.cluster (a constant)                      → AlertLabelCluster
//
// so that every raw series carries the service and cluster labels whatever
// the application itself exports. The cluster is a relabelled target label
// rather than a Prometheus external label: external labels are added only to
// what leaves Prometheus (alerts, federation, remote write), so a dashboard
// querying the Prometheus itself would find no cluster label.

// Container port names of the Deployments, which a PodMonitor names.
const (
	PortNameHTTP    = "http"
	PortNameMetrics = "metrics"
)

// MetricsPortName is the name of the container port Prometheus scrapes: the
// service's own port unless its metrics have a port of their own.
func MetricsPortName(port, metricsPort int) string {
	if metricsPort != port {
		return PortNameMetrics
	}
	return PortNameHTTP
}

// MetaPodLabel is the kubernetes_sd meta label of a pod label: the label
// name with every character that is not a letter, digit or _ replaced by _.
func MetaPodLabel(name string) string {
	var b strings.Builder
	b.WriteString("__meta_kubernetes_pod_label_")
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// PodServiceLabel is the pod label that repeats the service name under the
// catalog's service label (settings.metrics.labels.service), so that a
// generic annotation-based scrape job that maps pod labels to target labels
// (labelmap __meta_kubernetes_pod_label_(.+)) gives the series the label the
// rules read, too. "" when the name is not a valid Kubernetes label key
// (a Prometheus label name may start with _), or is one svcgen already sets.
func PodServiceLabel(serviceLabel string) string {
	n := serviceLabel
	if n == "" || n[0] == '_' || n[len(n)-1] == '_' || len(n) > 63 {
		return ""
	}
	switch n {
	case LabelVersion, "team", "tier":
		return ""
	}
	return n
}

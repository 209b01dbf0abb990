package grafana

import "github.com/svcgen/svcgen/conventions"

// Naming conventions of the Grafana target. The dashboard uids, which the
// alerts link to, and the tags are in package conventions.

// Dir is the directory the emitter writes under.
const Dir = "grafana"

// DashboardPath is the dashboard file of a service.
func DashboardPath(service string) string { return Dir + "/" + service + ".json" }

// OverviewPath is the SLO overview's file. No service is called
// slo-overview: the compiler refuses it (its uid would be the overview's).
const OverviewPath = Dir + "/slo-overview.json"

// OverviewTitle is the title of the SLO overview. Service dashboards are
// titled with the service name, a lower-case DNS label, so no title clashes
// with it (Grafana refuses two dashboards of one title in a folder).
const OverviewTitle = "SLO overview"

// Template variables of every dashboard.
const (
	// varDatasource picks the Prometheus data source every panel queries.
	varDatasource = "datasource"
	// varCluster picks the value of the cluster label, which Prometheus
	// adds as an external label when a global view (Thanos, Mimir) or
	// federation merges several clusters. A Prometheus without it gives the
	// variable no value, and cluster="" then selects its unlabelled series.
	varCluster = "cluster"
)

// labelCluster is the label the cluster variable selects on: the label the
// alerts carry the cluster in.
const labelCluster = conventions.AlertLabelCluster

// rateInterval is the range of raw rates: Grafana's $__rate_interval is at
// least four scrape intervals and grows with the panel's step, so a rate
// never sees fewer than two samples and never skips any.
const rateInterval = "$__rate_interval"

// Sources of the saturation panels besides the catalog's own metrics: the
// kubelet's cAdvisor series, which every Kubernetes Prometheus setup scrapes
// (kube-prometheus' kubelet job, the Prometheus Helm chart's
// kubernetes-nodes-cadvisor job). They are selected by the catalog's
// namespace and the container name, which the Kubernetes emitter sets to the
// service name in every Deployment of a service; the pod-level and sidecar
// (istio-proxy) series do not match. The requests and limits are drawn as
// constant lines from the catalog's resolved resources, which are exactly
// what the Kubernetes emitter deploys, so no kube-state-metrics is needed.
const (
	// MetricCPUUsage is CPU time used, in seconds per second: cores.
	MetricCPUUsage = "container_cpu_usage_seconds_total"
	// MetricMemoryWorkingSet is memory in use that the kernel cannot
	// reclaim under pressure: what the kubelet evicts on and the OOM killer
	// compares to the limit.
	MetricMemoryWorkingSet = "container_memory_working_set_bytes"
	// MetricCPUPeriods and MetricCPUThrottled count CFS scheduling periods
	// and those in which the container ran out of its CPU limit.
	MetricCPUPeriods   = "container_cpu_cfs_periods_total"
	MetricCPUThrottled = "container_cpu_cfs_throttled_periods_total"
	// MetricUp is Prometheus' own scrape health; the per-service cluster
	// variable reads its cluster labels, as ServiceDown reads its value.
	MetricUp = conventions.MetricUp
)

// SaturationMetrics lists the raw series the dashboards read besides the
// catalog's request metrics and the generated clients' metrics.
var SaturationMetrics = []string{MetricCPUUsage, MetricMemoryWorkingSet, MetricCPUPeriods, MetricCPUThrottled, MetricUp}

// Labels of the cAdvisor series.
const (
	labelNamespace = "namespace"
	labelContainer = "container"
	labelPod       = "pod"
)

// Error-budget policy the gauges colour by: the share of the period's budget
// left below which ErrorBudgetLow warns and then pages.
const (
	budgetWarnLeft     = conventions.BudgetWarnLeft
	budgetCriticalLeft = conventions.BudgetCriticalLeft
)

// Latency quantiles of the golden-signal and dependency latency panels.
var quantiles = []struct {
	q      float64
	legend string
}{{0.5, "p50"}, {0.95, "p95"}, {0.99, "p99"}}

// failedOutcomes are the outcomes of a client call that failed because of
// the dependency or the protection in front of it; canceled is the caller's
// own choice and counts as neither success nor failure.
var failedOutcomes = []string{
	conventions.ClientOutcomeError, conventions.ClientOutcomeTimeout,
	conventions.ClientOutcomeBreakerOpen, conventions.ClientOutcomeBulkheadFull,
}

// Colours, by Grafana's names.
const (
	colorOK       = "green"
	colorWarning  = "orange"
	colorCritical = "red"
	colorInfo     = "blue"
	colorHalfOpen = "yellow"
)

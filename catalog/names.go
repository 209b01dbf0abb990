package catalog

import (
	"crypto/sha256"
	"encoding/hex"
)

// Names that more than one emitter writes or reads live here, so that a
// dashboard links to the uid an alert annotation points at, an Istio route
// matches the labels a Deployment gives its pods, and a rule alerts on the
// metric the generated client exports.

// Pod labels set by the Kubernetes emitter and matched by the Istio emitter.
const (
	// LabelName carries the service name on every object and pod.
	LabelName = "app.kubernetes.io/name"
	// LabelVersion is the subset label: stable|canary or blue|green.
	LabelVersion = "version"
)

// Subset (and LabelVersion value) names of the multi-Deployment strategies.
const (
	SubsetStable = "stable"
	SubsetCanary = "canary"
)

// DashboardUID is the uid of a service's Grafana dashboard: the service name
// where it fits Grafana's 40-character limit, else a prefix and a hash.
func DashboardUID(service string) string {
	const prefix = "svcgen-"
	if len(prefix)+len(service) <= 40 {
		return prefix + service
	}
	sum := sha256.Sum256([]byte(service))
	h := hex.EncodeToString(sum[:])[:8]
	return prefix + service[:40-len(prefix)-9] + "-" + h
}

// OverviewDashboardUID is the uid of the SLO overview dashboard.
const OverviewDashboardUID = "svcgen-slo-overview"

// Metrics the generated Go clients export (package emitters/goclient), read by
// the Prometheus emitter's breaker alert and the Grafana dependency rows. The
// calling service is identified by the scrape target's service label; these
// metrics add only the dependency and what happened.
const (
	// ClientRequests counts calls by dependency and outcome.
	ClientRequests = "svcgen_client_requests_total"
	// ClientRequestDuration is a histogram of whole-call durations by dependency.
	ClientRequestDuration = "svcgen_client_request_duration_seconds"
	// ClientRetries counts retries by dependency.
	ClientRetries = "svcgen_client_retries_total"
	// ClientBreakerState is 1 for the breaker's current state and 0 for the
	// others, by dependency and state.
	ClientBreakerState = "svcgen_client_circuit_breaker_state"
	// ClientBulkheadRejections counts calls the bulkhead refused.
	ClientBulkheadRejections = "svcgen_client_bulkhead_rejections_total"
	// ClientInFlight is a gauge of the attempts in flight to a dependency:
	// inside its bulkhead or, without one, sent and not yet answered.
	ClientInFlight = "svcgen_client_in_flight_requests"
	// ClientBulkheadMaxConcurrent is a gauge of the bulkhead's
	// maxConcurrent, the bound of ClientInFlight; exported only where a
	// bulkhead exists.
	ClientBulkheadMaxConcurrent = "svcgen_client_bulkhead_max_concurrent"

	// ClientLabelDependency names the dependency on every client metric.
	ClientLabelDependency = "dependency"
	// ClientLabelOutcome is success, error, timeout, breaker_open,
	// bulkhead_full or canceled on ClientRequests (values in names_go.go).
	ClientLabelOutcome = "outcome"
	// ClientLabelState is closed, open or half_open on ClientBreakerState.
	ClientLabelState = "state"
)

// Alert names written by the Prometheus emitter and matched by the
// Alertmanager emitter's inhibit rules. Page and ticket burn alerts have
// different names so that "a critical alert silences the warning of the same
// alertname" never mutes one SLO's ticket with another SLO's page.
// Severities are the defaults of the paging policy (alerting.go).
const (
	AlertServiceDown   = "ServiceDown"   // no target of the service is up (critical)
	AlertTargetDown    = "TargetDown"    // one target is down (warning)
	AlertHighErrorRate = "HighErrorRate" // error ratio above the tier's target (warning; critical without an SLO)
	AlertHighLatency   = "HighLatency"   // p95 above the tier latency (warning)
	AlertSLIAbsent     = "SLIMetricsAbsent"
	// AlertStatusLabelMissing: request series exist, none carries the
	// status label (warning).
	AlertStatusLabelMissing = "SLIStatusLabelMissing"
	// AlertStatusUnrecognized: the status label's values are not HTTP
	// status codes, so errorStatus never matches them (warning).
	AlertStatusUnrecognized = "SLIStatusUnrecognized"
	// AlertBurnPage and AlertBurnTicket are the multiwindow burn-rate alerts.
	AlertBurnPage    = "ErrorBudgetBurnFast" // severity critical
	AlertBurnTicket  = "ErrorBudgetBurnSlow" // severity warning
	AlertBudgetLow   = "ErrorBudgetLow"      // below 50 % and below 20 % left (warning, by AlertLabelBudgetLeft)
	AlertBreakerOpen = "CircuitBreakerOpen"  // generated client's breaker open (warning)
	// AlertBulkheadSaturated: a client's bulkhead stays above
	// BulkheadSaturation of maxConcurrent (warning; seed incident #1).
	AlertBulkheadSaturated = "BulkheadSaturated"
)

// Labels every generated alert carries (slo only on SLO alerts), which the
// Alertmanager route tree matches on.
const (
	AlertLabelService  = "service"
	AlertLabelTeam     = "team"
	AlertLabelTier     = "tier"
	AlertLabelSeverity = "severity"
	AlertLabelSLO      = "slo"
	AlertLabelCluster  = "cluster"
	// AlertLabelDependency is on the alerts about one dependency.
	AlertLabelDependency = ClientLabelDependency
	// AlertLabelBudgetLeft tells the two ErrorBudgetLow alerts of an SLO
	// apart: "50" and "20" (percent of the budget left).
	AlertLabelBudgetLeft = "budget_left"
)

// Alert severities.
const (
	SeverityCritical = "critical" // pages
	SeverityWarning  = "warning"  // tickets and chat
)

// Host is the in-mesh DNS name of a catalog service: its Kubernetes Service
// in the catalog's namespace.
func Host(service, namespace string) string {
	return service + "." + namespace + ".svc.cluster.local"
}

// DashboardURL is the link alerts carry to a service's dashboard.
func DashboardURL(grafana, service string) string {
	return grafana + "/d/" + DashboardUID(service)
}

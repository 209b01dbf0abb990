package conventions

// Alert names written by the Prometheus target and matched by the
// Alertmanager target's inhibit rules. Page and ticket burn alerts have
// different names so that "a critical alert silences the warning of the same
// alertname" never mutes one SLO's ticket with another SLO's page.
// Severities are the defaults of the paging policy (catalog/alerting.go).
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

// AlertLabelName is the label Prometheus puts an alert's name in, which
// Alertmanager groups notifications and matches inhibit rules by.
const AlertLabelName = "alertname"

// Annotations every generated alert carries that Alertmanager's
// notifications read (the Prometheus community's names).
const (
	AnnotationSummary = "summary"
	AnnotationRunbook = "runbook_url"
)

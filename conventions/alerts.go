package conventions

// Alert names written by the Prometheus target and matched by the
// Alertmanager target's inhibit rules. Page and ticket burn alerts have
// different names so that "a critical alert silences the warning of the same
// alertname" never mutes one SLO's ticket with another SLO's page.
const (
	AlertServiceDown   = "ServiceDown"   // up == 0 (critical)
	AlertHighErrorRate = "HighErrorRate" // error ratio above the tier limit (critical)
	AlertHighLatency   = "HighLatency"   // p95 above the tier latency (warning)
	AlertSLIAbsent     = "SLIMetricsAbsent"
	// AlertBurnPage and AlertBurnTicket are the multiwindow burn-rate alerts.
	AlertBurnPage    = "ErrorBudgetBurnFast" // severity critical
	AlertBurnTicket  = "ErrorBudgetBurnSlow" // severity warning
	AlertBudgetLow   = "ErrorBudgetLow"      // warning below 50 % left, critical below 20 %
	AlertBreakerOpen = "CircuitBreakerOpen"  // generated client's breaker open
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

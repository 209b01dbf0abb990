package catalog

// The paging policy (README "Paging policy"): which classes of generated
// alerts page, which ticket and which only inform. Each class has a default
// severity; a tier (matrices.tiers.<tier>.alerts.<class>) and a service
// (services.<name>.alerting.alerts.<class>) may change its severity or turn it
// off, most specific first. The compiler resolves every class of every
// service, so emitters read Service.Alerting.Alerts and never decide policy.

// AlertClass names one class of generated alerts.
type AlertClass string

// The alert classes, with the alerts each covers and its default severity.
const (
	// AlertClassBurnPage is each SLO's ErrorBudgetBurnFast: critical.
	AlertClassBurnPage AlertClass = "burnPage"
	// AlertClassBurnTicket is each SLO's ErrorBudgetBurnSlow: warning.
	AlertClassBurnTicket AlertClass = "burnTicket"
	// AlertClassBudget is each SLO's ErrorBudgetLow (50 % and 20 % left):
	// warning. A policy, never a page.
	AlertClassBudget AlertClass = "budget"
	// AlertClassServiceDown is ServiceDown, no healthy target: critical.
	AlertClassServiceDown AlertClass = "serviceDown"
	// AlertClassTargetDown is TargetDown, one target down: warning.
	AlertClassTargetDown AlertClass = "targetDown"
	// AlertClassErrorRate is HighErrorRate: warning on a service with an
	// availability SLO (whose fast burn pages), critical above
	// PageErrorRate on a service without one.
	AlertClassErrorRate AlertClass = "errorRate"
	// AlertClassLatency is HighLatency: warning.
	AlertClassLatency AlertClass = "latency"
	// AlertClassBreaker is CircuitBreakerOpen: warning (the callee's own
	// SLO pages for the callee).
	AlertClassBreaker AlertClass = "breaker"
	// AlertClassBulkhead is BulkheadSaturated: warning.
	AlertClassBulkhead AlertClass = "bulkhead"
	// AlertClassInstrumentation is SLIMetricsAbsent and the status-label
	// alerts: warning.
	AlertClassInstrumentation AlertClass = "instrumentation"
)

// AlertClasses lists every class in a fixed order.
var AlertClasses = []AlertClass{
	AlertClassBurnPage, AlertClassBurnTicket, AlertClassBudget,
	AlertClassServiceDown, AlertClassTargetDown,
	AlertClassErrorRate, AlertClassLatency,
	AlertClassBreaker, AlertClassBulkhead, AlertClassInstrumentation,
}

// Severities an alert class can have, as the catalog writes them: the values
// of the severity label (conventions.SeverityCritical and SeverityWarning,
// which a test holds equal; the model imports nothing of the project).
const (
	SeverityCritical = "critical" // pages
	SeverityWarning  = "warning"  // tickets and chat
)

// AlertPolicy is a class's resolved setting on one service.
type AlertPolicy struct {
	Class AlertClass `json:"class"`
	// Enabled is false when the catalog turned the class off: its rules
	// are not written.
	Enabled bool `json:"enabled"`
	// Severity is SeverityCritical (pages) or SeverityWarning.
	Severity string `json:"severity"`
	Pos      Pos    `json:"-"`
}

// Pages reports whether the class pages on the service.
func (p AlertPolicy) Pages() bool { return p.Enabled && p.Severity == SeverityCritical }

// DefaultAlertPolicy is a class's setting before any override. hasAvailability
// says whether the service has an availability SLO (whose fast burn pages for
// the error rate).
func DefaultAlertPolicy(c AlertClass, hasAvailability bool) AlertPolicy {
	switch c {
	case AlertClassBurnPage, AlertClassServiceDown:
		return AlertPolicy{Class: c, Enabled: true, Severity: SeverityCritical}
	case AlertClassErrorRate:
		if !hasAvailability {
			return AlertPolicy{Class: c, Enabled: true, Severity: SeverityCritical}
		}
	}
	return AlertPolicy{Class: c, Enabled: true, Severity: SeverityWarning}
}

// Policy returns the service's setting of class c (the default when the
// catalog was built without one, as in hand-built test catalogs).
func (s *Service) Policy(c AlertClass) AlertPolicy {
	for _, p := range s.Alerting.Alerts {
		if p.Class == c {
			return p
		}
	}
	return DefaultAlertPolicy(c, s.HasAvailabilitySLO())
}

// HasAvailabilitySLO reports whether one of the service's SLOs is an
// availability SLO (a custom SLI counts: its fast burn pages too).
func (s *Service) HasAvailabilitySLO() bool {
	for _, o := range s.SLOs {
		if o.Kind == SLOAvailability || o.SLI != nil {
			return true
		}
	}
	return false
}

// PageErrorRate is the error percentage above which HighErrorRate pages on a
// service without an availability SLO: the seed's own HighErrorRate (5 %).
// A tier's errorRate is a target, not a paging threshold.
var PageErrorRate = MustPercent("5")

// Thresholds of the saturation alert on the generated clients' bulkheads
// (the seed's incident #1, "Pool > 80 %").
const (
	// BulkheadSaturation is the share of maxConcurrent in flight above
	// which BulkheadSaturated fires.
	BulkheadSaturation = "0.8"
)

// Or is p where it is known, else q.
func (p Pos) Or(q Pos) Pos {
	if p.IsValid() {
		return p
	}
	return q
}

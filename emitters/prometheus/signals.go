package prometheus

import (
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// signalAlerts builds the golden-signal alerts of the service from its tier's
// thresholds: the seed's ServiceDown, HighErrorRate and HighLatency, and an
// alert for a request counter that is missing altogether.
func (sr *serviceRules) signalAlerts() signalAlerts {
	s, e := sr.s, sr.env
	svc := sr.serviceSel().String()
	down := &alertSpec{
		name:        conventions.AlertServiceDown,
		expr:        promql.Binary(parser.EQLC, promql.Selector(conventions.MetricUp, sr.serviceSel()), promql.Num(0)),
		forDur:      sr.alertFor(forServiceDown),
		labels:      sr.alertLabels(conventions.SeverityCritical),
		annotations: sr.annotations(s.Name+": a target is down", ""),
		templates:   map[string]string{"description": sr.downDescription("{{ $labels.instance }}")},
	}
	errRatio := s.Alerting.ErrorRate
	errors := &alertSpec{
		name: conventions.AlertHighErrorRate,
		expr: promql.Binary(parser.GTR,
			promql.Binary(parser.DIV,
				promql.Sum(promql.OverRange(promql.FnRate, sr.requests(true), goldenWindow)),
				promql.Sum(promql.OverRange(promql.FnRate, sr.requests(false), goldenWindow))),

			decimalNum(errRatio.Ratio())),

		forDur: sr.alertFor(forHighErrorRate),
		labels: sr.alertLabels(conventions.SeverityCritical),
		annotations: sr.annotations(s.Name+": more than "+errRatio.String()+" % of requests fail",
			"More than "+errRatio.String()+" % of the requests to "+s.Name+" have failed ("+e.errorRe.String()+
				") over "+catalog.FormatDuration(goldenWindow)+" windows for "+catalog.FormatDuration(sr.alertFor(forHighErrorRate))+"."),
	}
	latency := &alertSpec{
		name: conventions.AlertHighLatency,
		expr: promql.Binary(parser.GTR,
			promql.Call(promql.FnHistogramQuantile, promql.Num(latencyQuantile),
				promql.Aggregate(parser.SUM, promql.OverRange(promql.FnRate, promql.Selector(e.bucket, sr.serviceSel()), goldenWindow), "le")),
			promql.Num(seconds(s.Alerting.Latency))),

		forDur: sr.alertFor(forHighLatency),
		labels: sr.alertLabels(conventions.SeverityWarning),
		annotations: sr.annotations(s.Name+": p95 latency above "+catalog.FormatDuration(s.Alerting.Latency),
			"The 95th percentile latency of "+s.Name+" has been above "+catalog.FormatDuration(s.Alerting.Latency)+
				" for "+catalog.FormatDuration(sr.alertFor(forHighLatency))+"."),
	}
	absent := &alertSpec{
		name:       conventions.AlertSLIAbsent,
		expr:       promql.Call(promql.FnAbsent, sr.requests(false)),
		forDur:     sr.alertFor(forAbsent),
		labels:     sr.alertLabels(conventions.SeverityWarning),
		exprLabels: map[string]string{e.m.ServiceLabel: s.Name},
		annotations: sr.annotations(s.Name+" exports no "+e.m.Requests,
			"No "+e.m.Requests+" series with "+svc+" for "+catalog.FormatDuration(sr.alertFor(forAbsent))+
				": the SLIs and golden-signal alerts of "+s.Name+" are blind. Check its scrape target and instrumentation."),
	}
	return signalAlerts{down: down, errors: errors, latency: latency, absent: absent}
}

// downDescription is ServiceDown's description for an instance (a template
// in the rule, a value in the unit tests).
func (sr *serviceRules) downDescription(instance string) string {
	return instance + " of " + sr.s.Name + " has been down (up == 0) for " + catalog.FormatDuration(sr.alertFor(forServiceDown)) + "."
}

// breakerAlert is the CircuitBreakerOpen alert of one dependency.
type breakerAlert struct {
	dep  *catalog.Dependency
	spec *alertSpec
}

// breaker alerts when the generated client's circuit breaker to d stays
// open. A dependency that stays down keeps its breaker open, except for the
// moments of half-open trial calls (up to a per-try timeout each) between
// one open delay and the next; max_over_time over a window longer than such
// a trial bridges them, so that one scrape landing on a trial does not reset
// the alert's `for`. A single open spell (the breaker opened, waited, and its
// trials succeeded) is the breaker doing its job and does not fire: `for`
// exceeds the open delay plus that window.
func (sr *serviceRules) breaker(d *catalog.Dependency) *breakerAlert {
	s, e := sr.s, sr.env
	bridge := breakerBridge(d)
	forDur := sr.alertFor(d.Breaker.OpenFor + bridge + time.Minute)
	state := promql.Selector(conventions.ClientBreakerState,
		sr.serviceSel(), promql.Eq(conventions.ClientLabelDependency, d.Name), promql.Eq(conventions.ClientLabelState, conventions.ClientStateOpen))
	callee := d.Name
	if d.Kind == catalog.KindInternal {
		callee = d.Service
	}
	return &breakerAlert{dep: d, spec: &alertSpec{
		name: conventions.AlertBreakerOpen,
		expr: promql.Binary(parser.EQLC,
			promql.Aggregate(parser.MAX, promql.OverRange(promql.FnMaxOverTime, state, bridge)),
			promql.Num(1)),

		forDur: forDur,
		labels: sr.alertLabels(breakerSeverity(e.c, s, d), labelDependency, d.Name),
		annotations: sr.annotations(s.Name+": circuit breaker to "+d.Name+" is open",
			"The generated client of "+s.Name+" has kept its circuit breaker to "+d.Name+" open for "+
				catalog.FormatDuration(forDur)+" (through failed half-open trials): calls fail fast without reaching "+callee+
				". The breaker opens at "+d.Breaker.Describe()+" failing and half-opens after "+catalog.FormatDuration(d.Breaker.OpenFor)+"."),
	}}
}

// breakerBridge is the max_over_time window of the breaker alert: longer
// than a half-open trial call (the per-try timeout) and than a scrape
// interval.
func breakerBridge(d *catalog.Dependency) time.Duration {
	trial := (2*d.Timeout.PerTry + time.Minute - 1).Truncate(time.Minute)
	return max(2*time.Minute, trial)
}

// breakerSeverity pages for an open breaker to a critical or high tier
// callee, and warns for the others. Non-catalog dependencies (databases,
// caches, external APIs) take the caller's tier.
func breakerSeverity(c *catalog.Catalog, s *catalog.Service, d *catalog.Dependency) string {
	tier := s.Tier
	if callee := c.Callee(d); callee != nil {
		tier = callee.Tier
	}
	if tier == catalog.TierCritical || tier == catalog.TierHigh {
		return conventions.SeverityCritical
	}
	return conventions.SeverityWarning
}

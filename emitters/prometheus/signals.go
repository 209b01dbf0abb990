package prometheus

import (
	"math/big"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// signalAlerts builds the golden-signal alerts of the service: the seed's
// ServiceDown (here: no target up, which pages) beside TargetDown (one target
// down, a warning), HighErrorRate and HighLatency, and the alerts that tell
// broken instrumentation from health: no request counter at all, request
// series without the status label, status values errorStatus cannot match.
func (sr *serviceRules) signalAlerts() signalAlerts {
	s, e := sr.s, sr.env
	svc := sr.serviceSel().String()
	up := promql.Selector("up", sr.serviceSel())
	down := &alertSpec{
		name: conventions.AlertServiceDown,
		// The share of the service's targets that are up: 0 is no healthy
		// target at all, whatever the number of replicas.
		expr:   promql.Binary(parser.EQLC, promql.Aggregate(parser.AVG, up), promql.Num(0)),
		forDur: sr.alertFor(forServiceDown),
		labels: sr.classLabels(catalog.AlertClassServiceDown),
		annotations: sr.annotations(s.Name+": no target is up",
			"Every scrape target of "+s.Name+" ("+up.String()+") has been down for "+catalog.FormatDuration(sr.alertFor(forServiceDown))+
				": the whole service is down. Its error-rate, latency and SLO alerts are inhibited while this fires."),
		off: !sr.policy(catalog.AlertClassServiceDown).Enabled,
	}
	targetDown := &alertSpec{
		name:        conventions.AlertTargetDown,
		expr:        promql.Binary(parser.EQLC, up, promql.Num(0)),
		forDur:      sr.alertFor(forServiceDown),
		labels:      sr.classLabels(catalog.AlertClassTargetDown),
		annotations: sr.annotations(s.Name+": a target is down", ""),
		templates:   map[string]string{"description": sr.downDescription("{{ $labels.instance }}")},
		off:         !sr.policy(catalog.AlertClassTargetDown).Enabled,
	}
	errRatio := sr.errorRateThreshold()
	errText := formatRat(new(big.Rat).Mul(errRatio, big.NewRat(100, 1)))
	errors := &alertSpec{
		name: conventions.AlertHighErrorRate,
		expr: promql.Binary(parser.GTR,
			promql.Binary(parser.DIV,
				promql.Sum(promql.OverRange(promql.FnRate, sr.requests(true), goldenWindow)),
				promql.Sum(promql.OverRange(promql.FnRate, sr.requests(false), goldenWindow))),
			ratNum(errRatio)),
		forDur: sr.alertFor(forHighErrorRate),
		labels: sr.classLabels(catalog.AlertClassErrorRate),
		annotations: sr.annotations(s.Name+": more than "+errText+" % of requests fail",
			"More than "+errText+" % of the requests to "+s.Name+" have failed ("+e.errorRe.String()+
				") over "+catalog.FormatDuration(goldenWindow)+" windows for "+catalog.FormatDuration(sr.alertFor(forHighErrorRate))+"."),
		templates: map[string]string{annotationValue: valueTemplate},
		off:       !sr.policy(catalog.AlertClassErrorRate).Enabled,
	}
	latency := &alertSpec{
		name: conventions.AlertHighLatency,
		expr: promql.Binary(parser.GTR,
			promql.Call(promql.FnHistogramQuantile, promql.Num(latencyQuantile),
				promql.Aggregate(parser.SUM, promql.OverRange(promql.FnRate, promql.Selector(e.bucket, sr.serviceSel()), goldenWindow), "le")),
			promql.Num(seconds(s.Alerting.Latency))),

		forDur: sr.alertFor(forHighLatency),
		labels: sr.classLabels(catalog.AlertClassLatency),
		annotations: sr.annotations(s.Name+": p95 latency above "+catalog.FormatDuration(s.Alerting.Latency),
			"The 95th percentile latency of "+s.Name+" has been above "+catalog.FormatDuration(s.Alerting.Latency)+
				" for "+catalog.FormatDuration(sr.alertFor(forHighLatency))+"."),
		templates: map[string]string{annotationValue: "{{ $value | humanizeDuration }}"},
		off:       !sr.policy(catalog.AlertClassLatency).Enabled,
	}
	instr := sr.policy(catalog.AlertClassInstrumentation)
	absent := &alertSpec{
		name:       conventions.AlertSLIAbsent,
		expr:       promql.Call(promql.FnAbsent, sr.requests(false)),
		forDur:     sr.alertFor(forAbsent),
		labels:     sr.classLabels(catalog.AlertClassInstrumentation),
		exprLabels: map[string]string{e.m.ServiceLabel: s.Name},
		annotations: sr.annotations(s.Name+" exports no "+e.m.Requests,
			"No "+e.m.Requests+" series with "+svc+" for "+catalog.FormatDuration(sr.alertFor(forAbsent))+
				": the SLIs and golden-signal alerts of "+s.Name+" are blind. Check its scrape target and instrumentation."),
		off: !instr.Enabled,
	}
	withStatus := promql.Selector(e.m.Requests, sr.serviceSel(), promql.Ne(e.m.StatusLabel, ""))
	statusMissing := &alertSpec{
		name: conventions.AlertStatusLabelMissing,
		expr: promql.Binary(parser.LUNLESS,
			promql.Aggregate(parser.COUNT, sr.requests(false)),
			promql.Aggregate(parser.COUNT, withStatus)),
		forDur: sr.alertFor(forAbsent),
		labels: sr.classLabels(catalog.AlertClassInstrumentation),
		annotations: sr.annotations(s.Name+": no "+e.m.Requests+" series carries the label "+e.m.StatusLabel,
			s.Name+" exports "+e.m.Requests+", but none of its series has the label "+e.m.StatusLabel+
				" (settings.metrics.labels.status): every request counts as a success, and its availability SLO and error-rate alert cannot fire. "+
				"Set settings.metrics.labels.status to the label your instrumentation writes (promhttp: code, OpenTelemetry: http_response_status_code)."),
		off: !instr.Enabled,
	}
	statusUnknown := &alertSpec{
		name: conventions.AlertStatusUnrecognized,
		expr: promql.Binary(parser.LUNLESS,
			promql.Aggregate(parser.COUNT, withStatus),
			promql.Aggregate(parser.COUNT, promql.Selector(e.m.Requests, sr.serviceSel(), promql.Re(e.m.StatusLabel, httpStatusPattern)))),
		forDur: sr.alertFor(forAbsent),
		labels: sr.classLabels(catalog.AlertClassInstrumentation),
		annotations: sr.annotations(s.Name+": the "+e.m.StatusLabel+" values of "+e.m.Requests+" are not HTTP status codes",
			"None of the "+e.m.StatusLabel+" values of "+s.Name+"'s "+e.m.Requests+" is an HTTP status code, so the error matcher "+
				e.errorRe.String()+" (settings.metrics.errorStatus) can never match one: every request counts as a success. "+
				"Point settings.metrics.labels.status at the label that holds the status code."),
		off: !instr.Enabled,
	}
	return signalAlerts{down: down, targetDown: targetDown, errors: errors, latency: latency, absent: absent,
		statusMissing: statusMissing, statusUnknown: statusUnknown}
}

// httpStatusPattern matches an HTTP status code.
const httpStatusPattern = "[1-5][0-9][0-9]"

// annotationValue carries the value the alert's expression returned, for
// the person reading the notification.
const (
	annotationValue = "value"
	valueTemplate   = "{{ $value | humanizePercentage }}"
)

// errorRateThreshold is the error ratio above which HighErrorRate fires: the
// tier's target where it warns; where it pages, no lower than the fast burn
// of the service's availability SLO (a page below it would page for what the
// SLO says can wait), or than catalog.PageErrorRate without one.
func (sr *serviceRules) errorRateThreshold() *big.Rat {
	thr := sr.s.Alerting.ErrorRate.Rat()
	if sr.policy(catalog.AlertClassErrorRate).Severity != conventions.SeverityCritical {
		return thr
	}
	floor := catalog.PageErrorRate.Rat()
	for _, so := range sr.slos {
		if so.slo.Kind == catalog.SLOAvailability && so.custom == nil {
			floor = so.pairs[0].threshold
			break
		}
	}
	if thr.Cmp(floor) < 0 {
		return floor
	}
	return thr
}

// downDescription is TargetDown's description for an instance (a template
// in the rule, a value in the unit tests).
func (sr *serviceRules) downDescription(instance string) string {
	return instance + " of " + sr.s.Name + " has been down (up == 0) for " + catalog.FormatDuration(sr.alertFor(forServiceDown)) +
		"; other targets still serve. ServiceDown pages when none is up."
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
	s := sr.s
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
		labels: sr.classLabels(catalog.AlertClassBreaker, labelDependency, d.Name),
		annotations: sr.annotations(s.Name+": circuit breaker to "+d.Name+" is open",
			"The generated client of "+s.Name+" has kept its circuit breaker to "+d.Name+" open for "+
				catalog.FormatDuration(forDur)+" (through failed half-open trials): calls fail fast without reaching "+callee+
				". The breaker opens at "+d.Breaker.Describe()+" failing and half-opens after "+catalog.FormatDuration(d.Breaker.OpenFor)+"."),
		off: !sr.policy(catalog.AlertClassBreaker).Enabled,
	}}
}

// bulkhead is the BulkheadSaturated alert of a dependency with a bulkhead
// (nil without one): the calls in flight stay above BulkheadSaturation of
// maxConcurrent, on any one instance of the caller — the seed's incident #1,
// a database connection pool running full before calls start to wait or be
// refused.
func (sr *serviceRules) bulkhead(d *catalog.Dependency) *breakerAlert {
	if d.Bulkhead.Isolation == catalog.IsolationNone || d.Bulkhead.MaxConcurrent <= 0 {
		return nil
	}
	s := sr.s
	dep := promql.Eq(conventions.ClientLabelDependency, d.Name)
	share := formatRat(new(big.Rat).Mul(mustRat(catalog.BulkheadSaturation), big.NewRat(100, 1)))
	return &breakerAlert{dep: d, spec: &alertSpec{
		name: conventions.AlertBulkheadSaturated,
		expr: promql.Binary(parser.GTR,
			promql.Aggregate(parser.MAX, promql.Binary(parser.DIV,
				promql.Selector(conventions.ClientInFlight, sr.serviceSel(), dep),
				promql.Selector(conventions.ClientBulkheadMaxConcurrent, sr.serviceSel(), dep))),
			decimalNum(catalog.BulkheadSaturation)),
		forDur: sr.alertFor(forBulkhead),
		labels: sr.classLabels(catalog.AlertClassBulkhead, labelDependency, d.Name),
		annotations: sr.annotations(s.Name+": the bulkhead to "+d.Name+" is more than "+share+" % full",
			"An instance of "+s.Name+" has kept more than "+share+" % of its bulkhead to "+d.Name+" ("+
				strconv.Itoa(d.Bulkhead.MaxConcurrent)+" concurrent calls) in use for "+catalog.FormatDuration(sr.alertFor(forBulkhead))+
				": calls will soon wait or be refused. Look for slow calls to "+d.Name+" (a pool held by long queries) before raising maxConcurrent."),
		templates: map[string]string{annotationValue: valueTemplate},
		off:       !sr.policy(catalog.AlertClassBulkhead).Enabled,
	}}
}

// mustRat parses an exact decimal constant.
func mustRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("prometheus: not a decimal: " + s)
	}
	return r
}

// breakerBridge is the max_over_time window of the breaker alert: longer
// than a half-open trial call (the per-try timeout) and than a scrape
// interval.
func breakerBridge(d *catalog.Dependency) time.Duration {
	trial := (2*d.Timeout.PerTry + time.Minute - 1).Truncate(time.Minute)
	return max(2*time.Minute, trial)
}

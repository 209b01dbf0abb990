package prometheus

import (
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// promtool's unit-test file (the types live in promtool's main package).
type testFile struct {
	RuleFiles          []string       `yaml:"rule_files"`
	EvaluationInterval model.Duration `yaml:"evaluation_interval"`
	Tests              []testGroup    `yaml:"tests"`
}

type testGroup struct {
	Name            string         `yaml:"name"`
	Interval        model.Duration `yaml:"interval"`
	InputSeries     []inputSeries  `yaml:"input_series"`
	AlertRuleTests  []alertTest    `yaml:"alert_rule_test,omitempty"`
	PromqlExprTests []exprTest     `yaml:"promql_expr_test,omitempty"`
}

type inputSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type alertTest struct {
	EvalTime  model.Duration `yaml:"eval_time"`
	Alertname string         `yaml:"alertname"`
	ExpAlerts []expAlert     `yaml:"exp_alerts"`
}

type expAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations"`
}

type exprTest struct {
	Expr       string         `yaml:"expr"`
	EvalTime   model.Duration `yaml:"eval_time"`
	ExpSamples []expSample    `yaml:"exp_samples"`
}

type expSample struct {
	Labels string  `yaml:"labels"`
	Value  float64 `yaml:"value"`
}

// Scenario timing, in minutes. Input series have a sample a minute.
const (
	// burnStart is when a burn scenario's bad events start: after an hour
	// of good traffic, so that the long windows must fill up with bad
	// events before an alert (and the test stays short: promtool evaluates
	// every rule at every step).
	burnStart = 60
	// fastPageStart is burnStart for the fast page: after two hours, the
	// 6h window is diluted enough that the 1h/5m pair fires first.
	fastPageStart = 120
	// slowPageStart: the slow page's 6h window fills four times faster
	// than its baseline, so half an hour of it keeps the test short.
	slowPageStart = 30
	// horizon bounds a scenario's length.
	horizon = 720
	// step is the grid assert times are chosen on.
	step = 5
	// gaugeMargin replaces timeMargin for gauges, which the model predicts
	// to the sample.
	gaugeMargin = 1
)

// series is one input series: its labels, and its values in promtool's
// expanding notation.
type series struct {
	lbls   labels.Labels
	values string
}

func (s series) input() inputSeries {
	name := s.lbls.Get(model.MetricNameLabel)
	var ms []*labels.Matcher
	s.lbls.Range(func(l labels.Label) {
		if l.Name != model.MetricNameLabel {
			ms = append(ms, promql.Eq(l.Name, l.Value))
		}
	})
	return inputSeries{Series: promql.Selector(name, ms...).String(), Values: s.values}
}

// scenario is one test group: input series and the alerts asserted on them.
type scenario struct {
	name   string
	series []series
	// names are the alert names asserted; exps predict every rule of those
	// names that can fire on this input.
	names     []string
	exps      []expectation
	times     []int64
	exprTests []exprTest
}

func (sr *serviceRules) unitTests() testFile {
	tf := testFile{
		RuleFiles:          []string{RulesFile(sr.s.Name)},
		EvaluationInterval: model.Duration(sr.interval),
	}
	scs := []*scenario{sr.zeroTraffic(), sr.noInstrumentation(), sr.targetDown()}
	scs = append(scs, sr.statusScenarios()...)
	if len(sr.breakers) > 0 {
		scs = append(scs, sr.breakerScenario())
	}
	if len(sr.bulkheads) > 0 {
		scs = append(scs, sr.bulkheadScenario())
	}
	scs = append(scs, sr.memoryScenario())
	for _, so := range sr.slos {
		if so.custom == nil {
			scs = append(scs, so.burnScenarios()...)
			scs = append(scs, so.youngScenarios()...)
		}
	}
	scs = slices.DeleteFunc(scs, func(sc *scenario) bool {
		return sc == nil || len(sc.times) == 0 && len(sc.exprTests) == 0
	})
	for _, sc := range scs {
		tf.Tests = append(tf.Tests, sc.group())
	}
	return tf
}

// group renders a scenario: its series, and at every assert time every
// asserted name with the alerts expected to fire.
func (sc *scenario) group() testGroup {
	g := testGroup{Name: sc.name, Interval: model.Duration(time.Minute), PromqlExprTests: sc.exprTests}
	for _, s := range sc.series {
		g.InputSeries = append(g.InputSeries, s.input())
	}
	for _, t := range sc.times {
		for _, name := range sc.names {
			at := alertTest{EvalTime: model.Duration(time.Duration(t) * time.Minute), Alertname: name, ExpAlerts: []expAlert{}}
			for _, x := range sc.exps {
				if x.spec.name != name {
					continue
				}
				if firing, _ := x.state(t); !firing {
					continue
				}
				ann := x.spec.annotations
				for k, v := range x.annotations {
					ann = maps(ann, k, v)
				}
				if _, templated := x.spec.templates[annotationValue]; templated {
					v, _ := x.valueAt(t)
					ann = maps(ann, annotationValue, v)
				}
				at.ExpAlerts = append(at.ExpAlerts, expAlert{ExpLabels: x.spec.expectedLabels(x.series), ExpAnnotations: ann})
			}
			g.AlertRuleTests = append(g.AlertRuleTests, at)
		}
	}
	return g
}

// maps is m with key set to value (a copy).
func maps(m map[string]string, key, value string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	out[key] = value
	return out
}

// sure reports whether every expectation's state at t is certain.
func (sc *scenario) sure(t int64) bool {
	for _, x := range sc.exps {
		if _, ok := x.state(t); !ok {
			return false
		}
	}
	return true
}

// constant is an expectation whose condition starts at a fixed minute (a
// gauge scenario), nil for never.
func constant(sr *serviceRules, spec *alertSpec, at *big.Rat) expectation {
	return expect(sr, spec, gaugeMargin, func(int) *big.Rat { return at })
}

// upSeries is the service's first scrape target, up from minute 0.
func (sr *serviceRules) upSeries(values string) series { return sr.target(0, values) }

// target is the up series of the service's i-th scrape target.
func (sr *serviceRules) target(i int, values string) series {
	return series{lbls: labels.FromStrings(model.MetricNameLabel, "up",
		"instance", sr.s.Name+"-"+strconv.Itoa(i)+":"+strconv.Itoa(sr.s.Metrics.Port), "job", sr.s.Name,
		sr.env.m.ServiceLabel, sr.s.Name), values: values}
}

func flat(value string, minutes int64) string {
	return value + "+0x" + strconv.FormatInt(minutes, 10)
}

// allAlerts lists every alert of the service with its name.
func (sr *serviceRules) allAlerts() []*alertSpec {
	var as []*alertSpec
	for _, so := range sr.slos {
		as = append(as, so.page, so.ticket)
		as = append(as, so.budgetLow...)
		if so.absent != nil {
			as = append(as, so.absent)
		}
	}
	as = append(as, sr.signals.list()...)
	for _, b := range sr.breakers {
		as = append(as, b.spec)
	}
	for _, b := range sr.bulkheads {
		as = append(as, b.spec)
	}
	if sr.memory != nil {
		as = append(as, sr.memory)
	}
	return as
}

func (sr *serviceRules) hasCustomSLI() bool {
	for _, so := range sr.slos {
		if so.custom != nil {
			return true
		}
	}
	return false
}

// names lists the distinct alert names of specs, in order.
func names(specs []*alertSpec, skip ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range skip {
		seen[s] = true
	}
	for _, s := range specs {
		if !seen[s.name] {
			seen[s.name] = true
			out = append(out, s.name)
		}
	}
	return out
}

// zeroTraffic: every series exists and none moves. Nothing fires, no ratio,
// burn rate or remaining budget is recorded (no NaN), and the rates and
// counts are exactly 0. The absent alert is left out for services with a
// custom SLI, whose queries may read series this test does not have.
func (sr *serviceRules) zeroTraffic() *scenario {
	const at = 60
	e := sr.env
	svc := sr.s.Name
	sc := &scenario{name: "zero traffic: nothing fires, no NaN is recorded"}
	sc.series = append(sc.series, sr.upSeries(flat("1", at)))
	good := e.statusGood
	if good == "" {
		good = "200"
	}
	sc.series = append(sc.series, series{lbls: labels.FromStrings(model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, svc, e.m.StatusLabel, good), values: flat("0", at)})
	sc.series = append(sc.series, sr.histogram(func(string) string { return flat("0", at) })...)
	var skip []string
	if sr.hasCustomSLI() {
		skip = append(skip, conventions.AlertSLIAbsent)
	}
	sc.names = names(sr.allAlerts(), skip...)
	sc.times = []int64{at}
	for _, so := range sr.slos {
		if so.custom != nil {
			continue
		}
		sc.exprTests = append(sc.exprTests, so.zeroSamples(at))
	}
	return sc
}

// zeroSamples lists every series the SLO records without traffic.
func (so *sloRules) zeroSamples(at int64) exprTest {
	sel := func(name string) string {
		return promql.Selector(name, append(slices.Clone(so.match), promql.Eq(conventions.AlertLabelCluster, so.sr.env.c.Settings.Cluster))...).String()
	}
	var samples []expSample
	for _, w := range catalog.BurnWindows() {
		samples = append(samples,
			expSample{Labels: sel(conventions.RecordSLITotalRate(catalog.FormatDuration(w))), Value: 0},
			expSample{Labels: sel(conventions.RecordSLIErrorRate(catalog.FormatDuration(w))), Value: 0})
	}
	o := so.slo
	obj, _ := strconv.ParseFloat(o.Objective.Ratio(), 64)
	budget, _ := strconv.ParseFloat(o.ErrorBudget().Ratio(), 64)
	samples = append(samples,
		expSample{Labels: sel(conventions.RecordSLITotalIncrease(catalog.FormatDuration(o.Period))), Value: 0},
		expSample{Labels: sel(conventions.RecordSLIErrorIncrease(catalog.FormatDuration(o.Period))), Value: 0},
		expSample{Labels: sel(conventions.RecordObjective), Value: obj},
		expSample{Labels: sel(conventions.RecordErrorBudget), Value: budget},
		expSample{Labels: sel(conventions.RecordPeriodDays), Value: float64(o.Period / catalog.Day)})
	all := promql.Selector("", promql.Re(model.MetricNameLabel, "slo:.+"), so.match[0], so.match[1])
	return exprTest{Expr: all.String(), EvalTime: model.Duration(time.Duration(at) * time.Minute), ExpSamples: samples}
}

// histogram is the service's latency histogram as far as its SLIs read it:
// the count, the buckets at its latency SLOs' thresholds and +Inf, with
// values given per bucket bound ("+Inf" and "count" for the total).
func (sr *serviceRules) histogram(values func(le string) string) []series {
	e, svc := sr.env, sr.s.Name
	out := []series{{lbls: labels.FromStrings(model.MetricNameLabel, e.count, e.m.ServiceLabel, svc), values: values("count")}}
	for _, b := range e.m.Buckets {
		if !slices.ContainsFunc(sr.slos, func(so *sloRules) bool {
			return so.custom == nil && so.slo.Kind == catalog.SLOLatency && seconds(so.slo.Threshold) == b
		}) {
			continue
		}
		le := strconv.FormatFloat(b, 'g', -1, 64)
		out = append(out, series{lbls: labels.FromStrings(model.MetricNameLabel, e.bucket, e.m.ServiceLabel, svc, model.BucketLabel, le), values: values(le)})
	}
	out = append(out, series{lbls: labels.FromStrings(model.MetricNameLabel, e.bucket, e.m.ServiceLabel, svc, model.BucketLabel, "+Inf"), values: values("+Inf")})
	return out
}

// noInstrumentation: the target is up but exports none of the SLI metrics.
// The absent alerts of the service and of its latency SLOs fire.
func (sr *serviceRules) noInstrumentation() *scenario {
	const at = 20
	sc := &scenario{name: "no SLI metrics: absent alerts fire", times: []int64{at}}
	sc.series = []series{sr.upSeries(flat("1", at))}
	sc.names = []string{conventions.AlertServiceDown, conventions.AlertTargetDown, conventions.AlertStatusLabelMissing, conventions.AlertStatusUnrecognized}
	if !sr.hasCustomSLI() {
		sc.names = append(sc.names, conventions.AlertSLIAbsent)
	}
	zero := new(big.Rat)
	sc.exps = append(sc.exps, constant(sr, sr.signals.absent, zero))
	for _, so := range sr.slos {
		if so.absent != nil {
			sc.exps = append(sc.exps, constant(sr, so.absent, zero))
		}
	}
	sig := sr.signals
	sc.exps = append(sc.exps, constant(sr, sig.down, nil), constant(sr, sig.targetDown, nil),
		constant(sr, sig.statusMissing, nil), constant(sr, sig.statusUnknown, nil))
	return sc
}

// targetDown: of the service's two targets, one goes down at minute 5 and
// the other at minute 20. One target down is a warning about that target
// only; ServiceDown pages once none is up.
func (sr *serviceRules) targetDown() *scenario {
	const first, second, end = 5, 20, 35
	a := sr.target(0, "1+0x"+strconv.Itoa(first-1)+" "+flat("0", end-first))
	b := sr.target(1, "1+0x"+strconv.Itoa(second-1)+" "+flat("0", end-second))
	sc := &scenario{name: "targets down: one of two down warns about it and pages nobody, both down pages ServiceDown",
		series: []series{a, b}, names: []string{conventions.AlertTargetDown, conventions.AlertServiceDown}}
	for _, st := range []struct {
		s  series
		at int64
	}{{a, first}, {b, second}} {
		x := constant(sr, sr.signals.targetDown, big.NewRat(st.at, 1))
		x.series = st.s.lbls.WithoutEmpty().Map()
		delete(x.series, model.MetricNameLabel)
		x.annotations = map[string]string{"description": sr.downDescription(x.series["instance"])}
		sc.exps = append(sc.exps, x)
	}
	sc.exps = append(sc.exps, constant(sr, sr.signals.down, big.NewRat(second, 1)))
	for _, t := range []int64{first - 2, second - 5, end} {
		if sc.sure(t) {
			sc.times = append(sc.times, t)
		}
	}
	return sc
}

// breakerScenario: every other dependency's breaker opens at minute 10 and
// stays open; the others stay closed.
func (sr *serviceRules) breakerScenario() *scenario {
	const opens = 10
	sc := &scenario{name: "circuit breakers: open fires, closed stays silent", names: []string{conventions.AlertBreakerOpen}}
	var last int64
	for i, b := range sr.breakers {
		if i%2 == 0 {
			sc.exps = append(sc.exps, constant(sr, b.spec, big.NewRat(opens, 1)))
			last = max(last, int64((time.Duration(opens)*time.Minute+b.spec.forDur+time.Duration(step)*time.Minute)/time.Minute))
		} else {
			sc.exps = append(sc.exps, constant(sr, b.spec, nil))
		}
	}
	last = (last + step - 1) / step * step
	for i, b := range sr.breakers {
		open, closed := flat("0", last), flat("1", last)
		if i%2 == 0 {
			open = flat("0", opens-1) + " " + flat("1", last-opens)
			closed = flat("1", opens-1) + " " + flat("0", last-opens)
		}
		for _, st := range []struct{ state, values string }{{conventions.ClientStateClosed, closed}, {conventions.ClientStateOpen, open}} {
			sc.series = append(sc.series, series{lbls: labels.FromStrings(model.MetricNameLabel, conventions.ClientBreakerState,
				sr.env.m.ServiceLabel, sr.s.Name, conventions.ClientLabelDependency, b.dep.Name, conventions.ClientLabelState, st.state), values: st.values})
		}
	}
	for _, t := range []int64{opens - 5, last} {
		if sc.sure(t) {
			sc.times = append(sc.times, t)
		}
	}
	return sc
}

// statusScenarios: request series without the status label, and with
// status values that are no HTTP status code. Each warns by its own alert;
// SLIMetricsAbsent stays silent (the counter is there).
func (sr *serviceRules) statusScenarios() []*scenario {
	const at = 25
	e, sig := sr.env, sr.signals
	var out []*scenario
	for _, c := range []struct {
		title  string
		status string // "" for no status label
		fires  *alertSpec
	}{
		{"request series without the status label: " + conventions.AlertStatusLabelMissing + " warns", "", sig.statusMissing},
		{"status values that are no HTTP status code: " + conventions.AlertStatusUnrecognized + " warns", "OK", sig.statusUnknown},
	} {
		lbls := []string{model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, sr.s.Name}
		if c.status != "" {
			lbls = append(lbls, e.m.StatusLabel, c.status)
		}
		sc := &scenario{name: c.title, times: []int64{at},
			series: []series{sr.upSeries(flat("1", at)), {lbls: labels.FromStrings(lbls...), values: "0+10x" + strconv.Itoa(at)}},
			names:  []string{conventions.AlertStatusLabelMissing, conventions.AlertStatusUnrecognized, conventions.AlertSLIAbsent}}
		// The latency SLIs read the histogram, present and still.
		sc.series = append(sc.series, sr.histogram(func(string) string { return flat("0", at) })...)
		if sr.hasCustomSLI() {
			sc.names = sc.names[:2] // a custom SLI's absent alert reads what it likes
		}
		for _, spec := range []*alertSpec{sig.statusMissing, sig.statusUnknown, sig.absent} {
			var on *big.Rat
			if spec == c.fires {
				on = new(big.Rat)
			}
			sc.exps = append(sc.exps, constant(sr, spec, on))
		}
		out = append(out, sc)
	}
	return out
}

// bulkheadScenario: from minute 10 every other bulkhead holds just over
// BulkheadSaturation of its maxConcurrent in flight, the others half.
func (sr *serviceRules) bulkheadScenario() *scenario {
	const from = 10
	sc := &scenario{name: "bulkheads: one kept over " + formatRat(new(big.Rat).Mul(mustRat(catalog.BulkheadSaturation), big.NewRat(100, 1))) + " % of maxConcurrent warns, one at half stays silent",
		names: []string{conventions.AlertBulkheadSaturated}}
	end := int64(from + (forBulkhead+time.Duration(step)*time.Minute)/time.Minute)
	if f := int64(sr.alertFor(forBulkhead) / time.Minute); from+f+step > end {
		end = from + f + step
	}
	sat := mustRat(catalog.BulkheadSaturation)
	for i, b := range sr.bulkheads {
		limit := b.dep.Bulkhead.MaxConcurrent
		busy := int64(limit / 2)
		var on *big.Rat
		if i%2 == 0 {
			// The least whole number of calls above the threshold.
			busy = new(big.Int).Quo(new(big.Rat).Mul(sat, big.NewRat(int64(limit), 1)).Num(),
				new(big.Rat).Mul(sat, big.NewRat(int64(limit), 1)).Denom()).Int64() + 1
			if busy > int64(limit) {
				continue
			}
			on = big.NewRat(from, 1)
		}
		dep := []string{sr.env.m.ServiceLabel, sr.s.Name, conventions.ClientLabelDependency, b.dep.Name}
		sc.series = append(sc.series,
			series{lbls: labels.FromStrings(append([]string{model.MetricNameLabel, conventions.ClientInFlight}, dep...)...),
				values: flat("0", from-1) + " " + flat(strconv.FormatInt(busy, 10), end-from)},
			series{lbls: labels.FromStrings(append([]string{model.MetricNameLabel, conventions.ClientBulkheadMaxConcurrent}, dep...)...),
				values: flat(strconv.Itoa(limit), end)})
		x := constant(sr, b.spec, on)
		value := humanizePercentage(float64(busy) / float64(limit))
		x.value = func(int64) (string, bool) { return value, true }
		sc.exps = append(sc.exps, x)
	}
	for _, t := range []int64{from - 5, end} {
		if sc.sure(t) {
			sc.times = append(sc.times, t)
		}
	}
	return sc
}

// youngScenarios are the SLO's tests on young data, from a fresh start
// without history: a fast burn pages within minutes, a burn that only
// tickets and one below the budget rate page nobody for hours (the
// error-budget alerts count against a whole period's budget), and one
// error on a very quiet service pages nobody.
func (so *sloRules) youngScenarios() []*scenario {
	var out []*scenario
	b := so.budget
	times := func(sc *scenario, ts ...int64) {
		for _, t := range ts {
			if sc.sure(t) {
				sc.times = append(sc.times, t)
			}
		}
	}
	names := []string{conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertBudgetLow}
	if so.slo.Kind == catalog.SLOAvailability {
		names = append(names, conventions.AlertHighErrorRate)
	}
	fresh := func(title string, factor *big.Rat) *scenario {
		ratio := new(big.Rat).Mul(b, factor)
		if ratio.Cmp(big.NewRat(1, 1)) >= 0 {
			return nil
		}
		sc := so.burnScenario("young data: from a fresh start at "+formatRat(factor)+"× its budget rate, "+title, ratio, burnNone, 0, names)
		return sc
	}
	if sc := fresh("it pages within 10 minutes", big.NewRat(15, 1)); sc != nil {
		if firing(so.page, sc, 10) && sc.sure(10) {
			sc.times = []int64{10}
			out = append(out, sc)
		}
	}
	for _, c := range []struct {
		title  string
		factor *big.Rat
	}{
		{"it pages nobody in 6 hours", big.NewRat(4, 1)},
		{"it raises nothing in 6 hours", big.NewRat(9, 10)},
	} {
		sc := fresh(c.title, c.factor)
		if sc == nil {
			continue
		}
		times(sc, 60, 120, 180, 240, 300, 360)
		ok := len(sc.times) > 0
		for _, t := range sc.times {
			ok = ok && !firing(so.page, sc, t) && (c.factor.Cmp(big.NewRat(1, 1)) >= 0 || !so.fires(sc, t))
		}
		if ok {
			out = append(out, sc)
		}
	}
	if sc := so.singleError(); sc != nil {
		out = append(out, sc)
	}
	return out
}

// singleError: a service of 0.02 requests a second, whose first request
// fails, from a fresh start. The page stays silent: while the failed
// request is inside a page pair's short window, its long window holds
// fewer than the guard's events. (The ticket may fire; it can wait.)
func (so *sloRules) singleError() *scenario {
	const perMin, end = 1.2, 240
	sr, e := so.sr, so.sr.env
	if so.slo.Kind != catalog.SLOAvailability || e.statusGood == "" || so.slo.MinRequests <= 0 {
		return nil
	}
	for _, p := range so.pairs {
		// The error is in the short window until minute 1 + short; the
		// long window meets the guard from minute MinRequests / perMin.
		if p.Severity == conventions.SeverityCritical &&
			float64(so.slo.MinRequests)/perMin <= 1+p.Short.Minutes()+timeMargin {
			return nil
		}
	}
	sc := &scenario{name: so.slo.Name + " young data: one failed request among 0.02 a second, from a fresh start, pages nobody in 4 hours",
		series: []series{
			{lbls: labels.FromStrings(model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, sr.s.Name, e.m.StatusLabel, e.statusGood),
				values: "0 0.2+1.2x" + strconv.Itoa(end-1)},
			{lbls: labels.FromStrings(model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, sr.s.Name, e.m.StatusLabel, e.statusBad),
				values: "0 " + flat("1", end-1)},
		},
		names: []string{conventions.AlertBurnPage},
	}
	for _, other := range sr.slos {
		if other.custom != nil && other.custom.reads(sc.series) {
			return nil
		}
		if other.custom == nil && other.slo.Kind == catalog.SLOAvailability {
			sc.exps = append(sc.exps, constant(sr, other.page, nil))
		}
	}
	sc.times = []int64{30, 60, 120, 180, 240}
	return sc
}

// burnScenarios are the SLO's burn tests: a burn just above the fast page
// factor, one that only tickets, one that stays quiet, and one error an hour
// on a service too quiet to judge.
func (so *sloRules) burnScenarios() []*scenario {
	var out []*scenario
	b := so.budget
	one := big.NewRat(1, 1)
	// Page: 25/24 of the first page factor (15× for 30 days), or halfway
	// to an error ratio of 1 where that would exceed it.
	page := new(big.Rat).Mul(so.pairs[0].threshold, big.NewRat(25, 24))
	if page.Cmp(one) >= 0 {
		page.Add(so.pairs[0].threshold, one)
		page.Quo(page, big.NewRat(2, 1))
	}
	// Slow page: 5/4 of the second page factor (7.5× for 30 days), below
	// the first (2.4 times the second), so only the 6h/30m pair can fire.
	slowPage := new(big.Rat).Mul(so.pairs[1].threshold, big.NewRat(5, 4))
	// Ticket: 4/3 of the first ticket factor (4× for 30 days), below every
	// page factor (the second page factor is twice the first ticket's).
	ticket := new(big.Rat).Mul(so.pairs[2].threshold, big.NewRat(4, 3))
	// Quiet: half the budget rate, and at most half the lowest factor.
	quiet := new(big.Rat).Mul(b, big.NewRat(1, 2))
	if low := new(big.Rat).Mul(so.pairs[3].threshold, big.NewRat(1, 2)); low.Cmp(quiet) < 0 {
		quiet = low
	}
	burn := func(r *big.Rat) string { return formatRat(new(big.Rat).Quo(r, b)) + "× its budget rate" }
	pair := func(p burnPair) string {
		return formatRat(p.factor) + "× over " + catalog.FormatDuration(p.Long) + " and " + catalog.FormatDuration(p.Short)
	}
	// Each scenario asserts what it is about: the pages the page, with the
	// golden error rate; the ticket the ticket, the page and the budget.
	sloNames := []string{conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertBudgetLow}
	for _, p := range []struct {
		name  string
		ratio *big.Rat
		kind  burnKind
		start int64
		names []string
	}{
		{"page: at " + burn(page) + ", it pages once both windows burn " + pair(so.pairs[0]), page, burnPage, fastPageStart,
			[]string{conventions.AlertBurnPage, conventions.AlertHighErrorRate}},
		{"slow page: at " + burn(slowPage) + ", it pages once both windows burn " + pair(so.pairs[1]), slowPage, burnPage, slowPageStart,
			[]string{conventions.AlertBurnPage}},
		{"ticket: at " + burn(ticket) + ", it tickets in time and never pages", ticket, burnTicket, burnStart, sloNames},
		{"quiet: at " + burn(quiet) + ", it raises nothing", quiet, burnQuiet, burnStart, sloNames},
	} {
		if sc := so.burnScenario(p.name, p.ratio, p.kind, p.start, p.names); sc != nil {
			out = append(out, sc)
		}
	}
	if sc := so.guardScenario(); sc != nil {
		out = append(out, sc)
	}
	if sc := so.budgetScenario(); sc != nil {
		out = append(out, sc)
	}
	return out
}

// budgetScenario: every request fails from minute 30. ErrorBudgetLow
// tickets once half the period's budget is spent, and again at 80 %; the
// model asserts each in time where the horizon reaches it.
func (so *sloRules) budgetScenario() *scenario {
	const start = 30
	sc := so.burnScenario("budget: when every request fails, ErrorBudgetLow tickets as half and then 80 % of the period's budget is spent",
		big.NewRat(1, 1), burnNone, start, []string{conventions.AlertBudgetLow})
	if sc == nil {
		return nil
	}
	for _, x := range sc.exps {
		if x.spec.labels[conventions.AlertLabelSLO] != so.slo.Name {
			continue
		}
		if until := min(x.silentUntil, horizon+1); until != never {
			for t := (until - 1) / step * step; t > start; t -= step {
				if sc.sure(t) {
					sc.times = append(sc.times, t)
					break
				}
			}
		}
		for t := (x.fireFrom + step - 1) / step * step; x.fireFrom != never && t <= horizon; t += step {
			if sc.sure(t) {
				sc.times = append(sc.times, t)
				break
			}
		}
	}
	if len(sc.times) == 0 {
		return nil
	}
	slices.Sort(sc.times)
	sc.times = slices.Compact(sc.times)
	return sc
}

type burnKind int

const (
	burnPage burnKind = iota
	burnTicket
	burnQuiet
	burnNone // the caller picks the assert times
)

// burnScenario is good traffic until minute start, then a share ratio of bad
// events, at a rate where every count is a whole number.
func (so *sloRules) burnScenario(title string, ratio *big.Rat, kind burnKind, start int64, names []string) *scenario {
	// Events a minute: a multiple of the ratio's denominator, at least 100
	// and at least the guard, so the guard is met within the first minute.
	den := new(big.Int).Set(ratio.Denom())
	need := big.NewInt(int64(max(100, so.slo.MinRequests)))
	k := new(big.Int).Quo(new(big.Int).Add(need, new(big.Int).Sub(den, big.NewInt(1))), den)
	perMin := new(big.Rat).SetInt(new(big.Int).Mul(den, k))
	if perMin.Cmp(big.NewRat(1<<40, 1)) > 0 {
		return nil // counts would not stay exact over the horizon
	}
	fl := flow{perMin: perMin, bad: ratio, start: start}
	sc := so.flowScenario(so.slo.Name+" "+title, fl, names)
	if sc == nil {
		return nil
	}
	var target expectation
	for _, x := range sc.exps {
		if kind == burnPage && x.spec == so.page || kind == burnTicket && x.spec == so.ticket {
			target = x
		}
	}
	switch kind {
	case burnNone:
	case burnQuiet:
		for _, t := range []int64{start + 30, start + 90} {
			if sc.sure(t) && !so.fires(sc, t) {
				sc.times = append(sc.times, t)
			}
		}
	default:
		// The last sure moment before the alert fires, and the first
		// after.
		if until := target.silentUntil; until != never {
			for t := (until - 1) / step * step; t > start; t -= step {
				if sc.sure(t) {
					sc.times = append(sc.times, t)
					break
				}
			}
		}
		if from := target.fireFrom; from != never {
			for t := (from + step - 1) / step * step; t <= horizon; t += step {
				if sc.sure(t) && (kind != burnTicket || !firing(so.page, sc, t)) {
					sc.times = append(sc.times, t)
					break
				}
			}
		}
	}
	return sc
}

// guardScenario: a service with fewer requests an hour than half the guard
// gets a bad one about every hour. Nothing fires within the first hour,
// though the bad share is far above every factor.
func (so *sloRules) guardScenario() *scenario {
	m := so.slo.MinRequests
	// Requests a minute: the largest power of two at most m/120, at least
	// 1/32 (exact in binary); bad ones: 1/64 a minute.
	if m < 4 {
		return nil
	}
	u := big.NewRat(1, 32)
	for next := new(big.Rat).Mul(u, big.NewRat(2, 1)); next.Cmp(big.NewRat(int64(m), 120)) <= 0; next.Mul(next, big.NewRat(2, 1)) {
		u.Set(next)
	}
	bad := new(big.Rat).Quo(big.NewRat(1, 64), u)
	sc := so.flowScenario(so.slo.Name+" guard: one bad request an hour, among fewer than "+strconv.Itoa(m/2)+" an hour, raises nothing",
		flow{perMin: u, bad: bad, start: 0}, []string{conventions.AlertBurnPage, conventions.AlertBurnTicket, conventions.AlertBudgetLow})
	if sc == nil || !sc.sure(60) || so.fires(sc, 60) {
		return nil
	}
	sc.times = []int64{60}
	return sc
}

// flowScenario builds the input series of fl for the SLO's kind and the
// expectations of every rule of the asserted names those series can fire;
// nil when a custom SLI of the service might read them too, or when the
// catalog's error regex accepts no usual status code.
func (so *sloRules) flowScenario(title string, fl flow, names []string) *scenario {
	sr, e := so.sr, so.sr.env
	sc := &scenario{name: title}
	goodBefore := fl.perMin
	goodAfter := new(big.Rat).Mul(fl.perMin, new(big.Rat).Sub(big.NewRat(1, 1), fl.bad))
	badAfter := new(big.Rat).Mul(fl.perMin, fl.bad)
	for _, r := range []*big.Rat{goodBefore, goodAfter, badAfter} {
		if _, exact := r.Float64(); !exact {
			return nil
		}
	}
	counter := func(before, after *big.Rat) string { return counterValues(before, after, fl.start, horizon) }
	zero := new(big.Rat)
	switch so.slo.Kind {
	case catalog.SLOAvailability:
		if e.statusGood == "" {
			return nil
		}
		sc.series = append(sc.series,
			series{lbls: labels.FromStrings(model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, sr.s.Name, e.m.StatusLabel, e.statusGood), values: counter(goodBefore, goodAfter)},
			series{lbls: labels.FromStrings(model.MetricNameLabel, e.m.Requests, e.m.ServiceLabel, sr.s.Name, e.m.StatusLabel, e.statusBad), values: counter(zero, badAfter)})
	case catalog.SLOLatency:
		// Good requests within every threshold, bad ones above all.
		sc.series = append(sc.series, sr.histogram(func(le string) string {
			if le == "count" || le == "+Inf" {
				return counter(fl.perMin, fl.perMin)
			}
			return counter(goodBefore, goodAfter)
		})...)
	}
	for _, other := range sr.slos {
		if other.custom != nil && other.custom.reads(sc.series) {
			return nil
		}
	}
	asserts := func(name string) bool { return slices.Contains(names, name) }
	for _, name := range names {
		// The request counter drives HighErrorRate; the histogram nothing
		// the latency tests assert besides the SLO alerts.
		if name != conventions.AlertHighErrorRate || so.slo.Kind == catalog.SLOAvailability {
			sc.names = append(sc.names, name)
		}
	}
	for _, other := range sr.slos {
		if other.custom != nil || other.slo.Kind != so.slo.Kind {
			continue
		}
		if asserts(conventions.AlertBurnPage) {
			sc.exps = append(sc.exps, other.burnExpectation(fl, other.page))
		}
		if asserts(conventions.AlertBurnTicket) {
			sc.exps = append(sc.exps, other.burnExpectation(fl, other.ticket))
		}
		if asserts(conventions.AlertBudgetLow) {
			for i, p := range budgetPolicy {
				sc.exps = append(sc.exps, other.budgetExpectation(fl, other.budgetLow[i], p.left))
			}
		}
	}
	if asserts(conventions.AlertHighErrorRate) && so.slo.Kind == catalog.SLOAvailability {
		thr := sr.errorRateThreshold()
		key := "error-rate|" + thr.RatString() + "|" + fl.key()
		x := predict(sr, sr.signals.errors, key, timeMargin, func(sign int) *big.Rat {
			return fl.windowOnset(scale(thr, sign), int64(goldenWindow/time.Minute))
		})
		x.value = func(t int64) (string, bool) {
			bad := fl.promRate(t, goldenWindow, fl.badAt)
			return humanizePercentage(bad / (fl.promRate(t, goldenWindow, fl.goodAt) + bad)), true
		}
		sc.exps = append(sc.exps, x)
	}
	return sc
}

// firing reports whether the alert spec fires at t in sc.
func firing(spec *alertSpec, sc *scenario, t int64) bool {
	for _, x := range sc.exps {
		if x.spec == spec {
			f, _ := x.state(t)
			return f
		}
	}
	return false
}

// fires reports whether any of the SLO's own alerts fires at t in sc.
func (so *sloRules) fires(sc *scenario, t int64) bool {
	for _, x := range sc.exps {
		if x.spec.labels[conventions.AlertLabelSLO] != so.slo.Name {
			continue
		}
		if firing, _ := x.state(t); firing {
			return true
		}
	}
	return false
}

// counterValues is a counter from 0 growing by before a minute until minute
// start and by after from then on, to minute end.
func counterValues(before, after *big.Rat, start, end int64) string {
	fmtRat := func(r *big.Rat) string {
		f, _ := r.Float64()
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if start == 0 {
		return "0+" + fmtRat(after) + "x" + strconv.FormatInt(end, 10)
	}
	next := new(big.Rat).Mul(before, big.NewRat(start, 1))
	next.Add(next, after)
	return "0+" + fmtRat(before) + "x" + strconv.FormatInt(start, 10) + " " +
		fmtRat(next) + "+" + fmtRat(after) + "x" + strconv.FormatInt(end-start-1, 10)
}

// burnExpectation predicts a page or ticket alert: the earliest of its
// pairs, each needing both windows above the threshold and the guard met.
func (so *sloRules) burnExpectation(fl flow, spec *alertSpec) expectation {
	severity := conventions.SeverityWarning
	if spec == so.page {
		severity = conventions.SeverityCritical
	}
	x := predict(so.sr, spec, "burn|"+severity+"|"+so.modelKey()+"|"+fl.key(), timeMargin, func(sign int) *big.Rat {
		var on *big.Rat
		for _, p := range so.pairs {
			if p.Severity != severity {
				continue
			}
			thr := scale(p.threshold, sign)
			long := int64(p.Long / time.Minute)
			pair := latest(fl.windowOnset(thr, long), fl.windowOnset(thr, int64(p.Short/time.Minute)))
			pair = latest(pair, so.guardOnset(fl, sign, long))
			on = earliest(on, pair)
		}
		return on
	})
	// The value: the long window's ratio of the first pair that holds, as
	// Prometheus computes it.
	x.value = func(t int64) (string, bool) {
		for _, p := range so.pairs {
			if p.Severity != severity {
				continue
			}
			thr, _ := p.threshold.Float64()
			long, short := so.promRatio(fl, t, p.Long), so.promRatio(fl, t, p.Short)
			total := fl.promRate(t, p.Long, fl.totalAt)
			if long > thr && short > thr && (so.slo.MinRequests <= 0 || total*seconds(p.Long) >= float64(so.slo.MinRequests)) {
				return humanizePercentage(long) + " of events bad", true
			}
		}
		return "", false
	}
	return x
}

// budgetExpectation predicts an ErrorBudgetLow rule. The budget spent is
// the bad events seen over the budget of a whole period at the traffic seen
// (budgetAlert): bad × min(t − start, period) / period. Less than left
// remains once that exceeds (1 − left), with the guard over the period.
func (so *sloRules) budgetExpectation(fl flow, spec *alertSpec, left string) expectation {
	l, _ := new(big.Rat).SetString(left)
	thr := new(big.Rat).Sub(big.NewRat(1, 1), l)
	thr.Mul(thr, so.budget)
	period := int64(so.slo.Period / time.Minute)
	return predict(so.sr, spec, "budget|"+left+"|"+so.modelKey()+"|"+fl.key(), timeMargin, func(sign int) *big.Rat {
		return latest(fl.periodOnset(scale(thr, sign), period), so.guardOnset(fl, sign, period))
	})
}

// promRatio is the SLO's recorded error ratio over w at minute t, computed
// in floats as Prometheus does for the scenario's series.
func (so *sloRules) promRatio(fl flow, t int64, w time.Duration) float64 {
	total := fl.promRate(t, w, fl.totalAt)
	if so.slo.Kind == catalog.SLOLatency {
		return (total - fl.promRate(t, w, fl.goodAt)) / total
	}
	return fl.promRate(t, w, fl.badAt) / (fl.promRate(t, w, fl.goodAt) + fl.promRate(t, w, fl.badAt))
}

// modelKey names what the SLO's predictions depend on: its budget, period
// (which sets the factors) and guard.
func (so *sloRules) modelKey() string {
	return so.budget.RatString() + "|" + strconv.FormatInt(int64(so.slo.Period), 10) + "|" + strconv.Itoa(so.slo.MinRequests)
}

// guardOnset is when the window of w minutes holds MinRequests (0 without a
// guard).
func (so *sloRules) guardOnset(fl flow, sign int, w int64) *big.Rat {
	if so.slo.MinRequests <= 0 {
		return new(big.Rat)
	}
	return fl.guardOnset(scale(big.NewRat(int64(so.slo.MinRequests), 1), sign), w)
}

// reads reports whether any selector of the custom SLI's queries matches
// any of the series.
func (c *customSLI) reads(ss []series) bool {
	for _, q := range []parser.Expr{c.errors[conventions.CurrentBurnWindow], c.total[conventions.CurrentBurnWindow]} {
		for _, ms := range parser.ExtractSelectors(q) {
			for _, s := range ss {
				if matchesAll(ms, s.lbls) {
					return true
				}
			}
		}
	}
	return false
}

func matchesAll(ms []*labels.Matcher, l labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

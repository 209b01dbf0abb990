package prometheus

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// sloRules are the recording and alerting rules of one SLO.
//
// Per burn window w (5m … 3d) three series are recorded: all events per
// second, bad events per second, and their ratio. The raw metrics are read
// once per window; everything else reads recorded series.
//
// The period's ratio (30d) is the number of bad events over the number of
// all events in the period, so every request weighs the same (an average of
// 5m ratios would let a quiet night weigh as much as a busy day). Both counts
// are sums of the recorded 5m rates times the evaluation interval: each
// request is counted by every 5m rate that covers it, 5m/interval of them,
// each worth interval/5m of it. Each evaluation thus reads two recorded
// series over 30 days, never the raw counters with their many series per
// pod, status and route. sum_over_time, not avg_over_time of the two: a
// sample missing from one series (no traffic yet, a skipped evaluation)
// must count as nothing, not shift one average against the other.
// (Hourly tiles of the 1h rate through a subquery would read fewer points,
// but lag by up to an hour.)
//
// Every ratio divides by a total filtered to > 0: without traffic there is
// no ratio series, never NaN, and so no alert.
type sloRules struct {
	sr     *serviceRules
	slo    *catalog.SLO
	budget *big.Rat // error budget as a ratio (0.001)
	// match selects the SLO's recorded series.
	match  []*labels.Matcher
	lbls   map[string]string
	custom *customSLI

	page, ticket *alertSpec
	budgetLow    []*alertSpec // warning, critical
	absent       *alertSpec   // nil for conventional availability SLIs (the service's own absent alert covers them)
	pairs        []burnPair
}

// burnPair is one window pair of a burn-rate alert with its threshold.
type burnPair struct {
	catalog.BurnAlert
	factor    *big.Rat // burn rate
	threshold *big.Rat // factor × error budget: the error ratio that fires
}

// customSLI holds a custom SLI's queries parsed for every window.
type customSLI struct {
	errors, total map[time.Duration]parser.Expr
}

func (sr *serviceRules) slo(o *catalog.SLO) (*sloRules, error) {
	so := &sloRules{
		sr:     sr,
		slo:    o,
		budget: o.ErrorBudget().Rat(),
		match:  []*labels.Matcher{promql.Eq(conventions.RecordLabelService, sr.s.Name), promql.Eq(conventions.RecordLabelSLO, o.Name)},
		// The cluster too, as the scrape side gives raw series: the
		// dashboards filter every query on cluster="$cluster".
		lbls: map[string]string{conventions.RecordLabelService: sr.s.Name, conventions.RecordLabelSLO: o.Name,
			conventions.AlertLabelCluster: sr.env.c.Settings.Cluster},
	}
	if o.SLI != nil {
		c, err := sr.env.parseCustom(o.SLI)
		if err != nil {
			return nil, err
		}
		so.custom = c
	}
	for _, a := range o.BurnAlerts() {
		f := a.Factor(o.Period)
		so.pairs = append(so.pairs, burnPair{BurnAlert: a, factor: f, threshold: new(big.Rat).Mul(f, so.budget)})
	}
	so.page = so.burnAlert(conventions.SeverityCritical)
	so.ticket = so.burnAlert(conventions.SeverityWarning)
	for _, p := range budgetPolicy {
		so.budgetLow = append(so.budgetLow, so.budgetAlert(p.left, p.percent, p.action))
	}
	so.absent = so.absentAlert()
	return so, nil
}

// parseCustom substitutes every window into a custom SLI's queries and
// parses them. The compiler has checked that they parse.
func (e *env) parseCustom(c *catalog.CustomSLI) (*customSLI, error) {
	out := &customSLI{errors: map[time.Duration]parser.Expr{}, total: map[time.Duration]parser.Expr{}}
	for _, w := range catalog.BurnWindows() {
		win := model.Duration(w).String()
		for _, q := range []struct {
			text string
			dst  map[time.Duration]parser.Expr
		}{{c.ErrorQuery, out.errors}, {c.TotalQuery, out.total}} {
			expr, err := e.parser.ParseExpr(strings.ReplaceAll(q.text, catalog.WindowPlaceholder, win))
			if err != nil {
				return nil, err
			}
			q.dst[w] = expr
		}
	}
	return out, nil
}

// recorded selects one of the SLO's recorded series.
func (so *sloRules) recorded(name string) *parser.VectorSelector {
	return promql.Selector(name, so.match...)
}

// totalExpr is all events per second over w, as one unlabelled series.
func (so *sloRules) totalExpr(w time.Duration) parser.Expr {
	sr, e := so.sr, so.sr.env
	switch {
	case so.custom != nil:
		return promql.Sum(so.custom.total[w])
	case so.slo.Kind == catalog.SLOLatency:
		return promql.Sum(promql.OverRange(promql.FnRate, promql.Selector(e.count, sr.serviceSel()), w))
	}
	return promql.Sum(promql.OverRange(promql.FnRate, sr.requests(false), w))
}

// errorExpr is bad events per second over w. Availability and custom SLIs
// count 0 when no bad-event series exists yet (a counter labelled 5xx often
// appears only with the first error). A latency SLI is the total minus the
// requests in the threshold's bucket, and has no such fallback: a missing
// bucket (a threshold the histogram does not have, or Prometheus 3 writing
// le="1.0") must show as missing data, not as a perfect SLI.
func (so *sloRules) errorExpr(w time.Duration) parser.Expr {
	sr, e := so.sr, so.sr.env
	switch {
	case so.custom != nil:
		return promql.Binary(parser.LOR, promql.Sum(so.custom.errors[w]), promql.Call(promql.FnVector, promql.Num(0)))
	case so.slo.Kind == catalog.SLOLatency:
		good := promql.Sum(promql.OverRange(promql.FnRate, promql.Selector(e.bucket, sr.serviceSel(), leMatcher(seconds(so.slo.Threshold))), w))
		return promql.Ignoring(parser.SUB, so.recorded(conventions.RecordSLITotalRate(catalog.FormatDuration(w))), good, conventions.RecordLabelService, conventions.RecordLabelSLO, conventions.AlertLabelCluster)
	}
	return promql.Binary(parser.LOR, promql.Sum(promql.OverRange(promql.FnRate, sr.requests(true), w)), promql.Call(promql.FnVector, promql.Num(0)))
}

// leMatcher selects a histogram bucket by its upper bound. Client libraries
// write le="1"; Prometheus 3 normalises whole numbers to le="1.0" when it
// ingests them. A whole bound matches both spellings.
func leMatcher(bound float64) *labels.Matcher {
	s := strconv.FormatFloat(bound, 'g', -1, 64)
	if bound == math.Trunc(bound) && !strings.ContainsAny(s, "e") {
		return promql.Re(model.BucketLabel, s+"|"+s+`\.0`)
	}
	return promql.Eq(model.BucketLabel, s)
}

// ratio is bad over total where total > 0.
func (so *sloRules) ratio(bad, total string) parser.Expr {
	return promql.Binary(parser.DIV, so.recorded(bad), promql.Binary(parser.GTR, so.recorded(total), promql.Num(0)))
}

// budgetNum is the error budget as a number (0.0005, exactly as written).
func (so *sloRules) budgetNum() *parser.NumberLiteral {
	return decimalNum(so.slo.ErrorBudget().Ratio())
}

func (so *sloRules) rules() []rulefmt.Rule {
	o := so.slo
	windows := catalog.BurnWindows()
	rs := make([]rulefmt.Rule, 0, 3*len(windows)+12)
	for _, w := range windows {
		rs = append(rs,
			record(conventions.RecordSLITotalRate(catalog.FormatDuration(w)), so.totalExpr(w), so.lbls),
			record(conventions.RecordSLIErrorRate(catalog.FormatDuration(w)), so.errorExpr(w), so.lbls),
			record(conventions.RecordSLIErrorRatio(catalog.FormatDuration(w)), so.ratio(conventions.RecordSLIErrorRate(catalog.FormatDuration(w)), conventions.RecordSLITotalRate(catalog.FormatDuration(w))), so.lbls))
	}
	// The period, from the 5m rates (see sloRules).
	step := promql.Num(seconds(so.sr.interval))
	short := windows[0]
	rs = append(rs,
		record(conventions.RecordSLITotalIncrease(catalog.FormatDuration(o.Period)),
			promql.Binary(parser.MUL, promql.OverRange(promql.FnSumOverTime, so.recorded(conventions.RecordSLITotalRate(catalog.FormatDuration(short))), o.Period), step), so.lbls),
		record(conventions.RecordSLIErrorIncrease(catalog.FormatDuration(o.Period)),
			promql.Binary(parser.MUL, promql.OverRange(promql.FnSumOverTime, so.recorded(conventions.RecordSLIErrorRate(catalog.FormatDuration(short))), o.Period), step), so.lbls),
		record(conventions.RecordSLIErrorRatio(catalog.FormatDuration(o.Period)),
			so.ratio(conventions.RecordSLIErrorIncrease(catalog.FormatDuration(o.Period)), conventions.RecordSLITotalIncrease(catalog.FormatDuration(o.Period))), so.lbls))
	// Metadata.
	rs = append(rs,
		record(conventions.RecordObjective, promql.Call(promql.FnVector, decimalNum(o.Objective.Ratio())), so.lbls),
		record(conventions.RecordErrorBudget, promql.Call(promql.FnVector, so.budgetNum()), so.lbls),
		record(conventions.RecordPeriodDays, promql.Call(promql.FnVector, promql.Num(float64(o.Period/catalog.Day))), so.lbls),
		// Bad events over the budget of a whole period at the mean traffic
		// seen (budgetAlert): 1 − bad / (budget × mean rate × period).
		record(conventions.RecordBudgetRemaining,
			promql.Binary(parser.SUB, promql.Num(1), promql.Binary(parser.DIV,
				promql.Binary(parser.DIV, so.recorded(conventions.RecordSLIErrorIncrease(catalog.FormatDuration(o.Period))),
					promql.Binary(parser.GTR,
						promql.Binary(parser.MUL, promql.OverRange(promql.FnAvgOverTime, so.recorded(conventions.RecordSLITotalRate(catalog.FormatDuration(short))), o.Period), promql.Num(seconds(o.Period))),
						promql.Num(0))),
				so.budgetNum())), so.lbls),
		record(conventions.RecordCurrentBurnRate,
			promql.Binary(parser.DIV, so.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(conventions.CurrentBurnWindow))), so.budgetNum()), so.lbls),
		record(conventions.RecordPeriodBurnRate,
			promql.Binary(parser.DIV, so.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(o.Period))), so.budgetNum()), so.lbls))
	rs = append(rs, rules([]*alertSpec{so.page, so.ticket})...)
	rs = append(rs, rules(so.budgetLow)...)
	if so.absent != nil {
		rs = append(rs, rules([]*alertSpec{so.absent})...)
	}
	return rs
}

// guard is the low-traffic guard: at least MinRequests events in window.
// Nil when the SLO sets no minimum.
func (so *sloRules) guard(w time.Duration) parser.Expr {
	if so.slo.MinRequests <= 0 {
		return nil
	}
	return promql.Binary(parser.GTE,
		promql.Binary(parser.MUL, so.recorded(conventions.RecordSLITotalRate(catalog.FormatDuration(w))), promql.Num(seconds(w))),
		promql.Num(float64(so.slo.MinRequests)))

}

// burnAlert is the page (critical) or ticket (warning) alert: an OR of the
// SLO's window pairs of that severity, each firing when both its long and its
// short window burn at least the pair's factor times the sustainable rate,
// and the long window saw enough requests to judge.
func (so *sloRules) burnAlert(severity string) *alertSpec {
	var alts []parser.Expr
	var parts []string
	var first burnPair
	for _, p := range so.pairs {
		if p.Severity != severity {
			continue
		}
		if len(parts) == 0 {
			first = p
		}
		thr := ratNum(p.threshold)
		conds := []parser.Expr{
			promql.Binary(parser.GTR, so.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(p.Long))), thr),
			promql.Binary(parser.GTR, so.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(p.Short))), thr),
		}
		if g := so.guard(p.Long); g != nil {
			conds = append(conds, g)
		}
		alts = append(alts, promql.Chain(parser.LAND, conds))
		rate := "×"
		if len(parts) == 0 {
			rate = "× the sustainable rate"
		}
		parts = append(parts, formatRat(p.factor)+rate+" over both the last "+catalog.FormatDuration(p.Long)+" and "+catalog.FormatDuration(p.Short))
	}
	if len(alts) > 1 {
		// and binds tighter than or; the parentheses are for the reader.
		for i, a := range alts {
			alts[i] = &parser.ParenExpr{Expr: a}
		}
	}
	o, s := so.slo, so.sr.s
	name, speed, forDur, act, class := conventions.AlertBurnPage, "fast", forPage, "Page: find the cause now.", catalog.AlertClassBurnPage
	if severity == conventions.SeverityWarning {
		name, speed, forDur, act, class = conventions.AlertBurnTicket, "slowly", forTicket, "Ticket: fix it within working hours, before the budget runs out.", catalog.AlertClassBurnTicket
	}
	exhaust := ratDuration(new(big.Rat).Quo(new(big.Rat).SetInt64(int64(o.Period)), first.factor))
	guard := ""
	if o.MinRequests > 0 {
		guard = "; the long window must hold at least " + strconv.Itoa(o.MinRequests) + " events"
	}
	desc := "The " + o.Name + " SLO of " + s.Name + " (" + so.describe() + ") is burning its error budget at " +
		strings.Join(parts, ", or at ") + " (the sustainable rate spends the budget exactly over the period" + guard +
		"). At " + formatRat(first.factor) + "× the whole budget is gone in " + catalog.FormatDuration(exhaust.Round(time.Minute)) + ". " + act
	return &alertSpec{
		name:        name,
		expr:        promql.Chain(parser.LOR, alts),
		forDur:      so.sr.alertFor(forDur),
		labels:      so.sr.classLabels(class, conventions.AlertLabelSLO, o.Name),
		annotations: so.sr.annotations(s.Name+" is burning the error budget of its "+o.Name+" SLO "+speed, desc),
		templates:   map[string]string{annotationValue: burnValueTemplate},
		off:         !so.sr.policy(class).Enabled,
	}
}

// burnValueTemplate renders a burn alert's value: the error ratio over the
// long window of the first pair that holds (the left side of its condition).
const burnValueTemplate = "{{ $value | humanizePercentage }} of events bad"

// budgetAlert fires when less than left (a ratio) of the period's budget
// remains, once the period saw enough requests to judge. It is a ticket (the
// error-budget policy: slow down, freeze deploys), never a page: the burn
// alerts page for what needs a person now.
//
// Consumption counts against the whole period's budget, never an
// extrapolation of young data: RecordBudgetRemaining divides the bad events
// seen by the budget of a full period at the traffic seen so far. A burn
// below 1× therefore spends less than the whole budget however long it runs,
// and a young series (hours of history) has spent a few hours' worth.
func (so *sloRules) budgetAlert(left, percent, action string) *alertSpec {
	o, s := so.slo, so.sr.s
	cond := []parser.Expr{promql.Binary(parser.LSS, so.recorded(conventions.RecordBudgetRemaining), decimalNum(left))}
	if o.MinRequests > 0 {
		cond = append(cond, promql.Binary(parser.GTE, so.recorded(conventions.RecordSLITotalIncrease(catalog.FormatDuration(o.Period))), promql.Num(float64(o.MinRequests))))
	}
	return &alertSpec{
		name:   conventions.AlertBudgetLow,
		expr:   promql.Chain(parser.LAND, cond),
		forDur: so.sr.alertFor(forBudget),
		labels: so.sr.classLabels(catalog.AlertClassBudget, conventions.AlertLabelSLO, o.Name, conventions.AlertLabelBudgetLeft, percent),
		annotations: so.sr.annotations(
			s.Name+" has less than "+percent+" % of the error budget of its "+o.Name+" SLO left",
			"Less than "+percent+" % of the "+catalog.FormatDuration(o.Period)+" error budget ("+
				catalog.FormatDuration(so.budgetTime())+") of the "+o.Name+" SLO of "+s.Name+" ("+so.describe()+") is left: "+action+"."),
		off: !so.sr.policy(catalog.AlertClassBudget).Enabled,
	}
}

// absentAlert fires when the SLI has no data: a latency SLI whose bucket or
// count is missing, or a custom SLI whose total query returns nothing.
func (so *sloRules) absentAlert() *alertSpec {
	o, s := so.slo, so.sr.s
	var watched, what string
	switch {
	case so.custom != nil:
		watched = conventions.RecordSLITotalRate(catalog.FormatDuration(conventions.CurrentBurnWindow))
		what = "The total query of the custom SLI of the " + o.Name + " SLO of " + s.Name + " has returned no series"
	case o.Kind == catalog.SLOLatency:
		watched = conventions.RecordSLIErrorRate(catalog.FormatDuration(conventions.CurrentBurnWindow))
		what = "The latency SLI of the " + o.Name + " SLO of " + s.Name + " (" + so.sr.env.count + " and the " +
			so.sr.env.bucket + " bucket at " + catalog.FormatDuration(o.Threshold) + ") has had no data"
	default:
		return nil
	}
	return &alertSpec{
		name:   conventions.AlertSLIAbsent,
		expr:   promql.Call(promql.FnAbsent, so.recorded(watched)),
		forDur: so.sr.alertFor(forAbsent),
		labels: so.sr.classLabels(catalog.AlertClassInstrumentation, conventions.AlertLabelSLO, o.Name),
		off:    !so.sr.policy(catalog.AlertClassInstrumentation).Enabled,
		annotations: so.sr.annotations(
			s.Name+": the SLI of its "+o.Name+" SLO has no data",
			what+" for "+catalog.FormatDuration(forAbsent)+": the SLO's alerts are blind. Check the instrumentation and the scrape target."),
	}
}

// describe says what the SLO promises, for people.
func (so *sloRules) describe() string {
	o, s := so.slo, so.sr.s
	obj := o.Objective.String() + " %"
	switch {
	case so.custom != nil:
		return obj + " of events good by its custom SLI over " + catalog.FormatDuration(o.Period)
	case o.Kind == catalog.SLOLatency:
		return obj + " of requests to " + s.Name + " faster than " + catalog.FormatDuration(o.Threshold) + " over " + catalog.FormatDuration(o.Period)
	}
	return obj + " of requests to " + s.Name + " succeed over " + catalog.FormatDuration(o.Period)
}

// budgetTime is the error budget as time: period × budget.
func (so *sloRules) budgetTime() time.Duration {
	return ratDuration(new(big.Rat).Mul(new(big.Rat).SetInt64(int64(so.slo.Period)), so.budget))
}

// ratDuration truncates an exact number of nanoseconds to a Duration.
func ratDuration(r *big.Rat) time.Duration {
	return time.Duration(new(big.Int).Quo(r.Num(), r.Denom()).Int64())
}

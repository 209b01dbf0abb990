//lint:file-ignore SA1019 The SDK marks the v1 dashboard model deprecated in favour of v2, which only
// Grafana 12 with its new dashboard APIs imports; v1 JSON imports into every Grafana in use, so the
// target writes v1 until v2 is the norm.

package grafana

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/units"
	"github.com/prometheus/prometheus/promql/parser"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// Layout of a service dashboard, in grid units (24 across).
const (
	graphHeight  = 8
	third        = 8
	sloStatWidth = 5
	sloBurnWidth = 24 - 2*sloStatWidth
)

// serviceDashboard builds the dashboard of one service: its golden signals,
// a row per SLO and, when it has dependencies, what its generated client
// sees of them.
func (e *env) serviceDashboard(s *catalog.Service) (dashboard.Dashboard, error) {
	desc := "Team " + s.Team + ", tier " + string(s.Tier) + ". " + generatedNote
	if s.Description != "" {
		desc = s.Description + " " + desc
	}
	d := e.newBoard(s.Name, conventions.DashboardUID(s.Name), desc,
		[]string{conventions.DashboardTag, conventions.DashboardTeamTag(s.Team), conventions.DashboardTierTag(string(s.Tier))},
		// Not in the picked cluster: this lists the clusters to pick from.
		"label_values("+query(promql.Selector(MetricUp, promql.Eq(e.m.ServiceLabel, s.Name)))+", "+labelCluster+")")
	d.b.Time("now-6h", "now")
	d.b.Link(link{
		title: OverviewTitle, tooltip: "Every SLO of the catalog, worst first",
		url: conventions.OverviewDashboardURL(""), icon: "dashboard", keepContext: true,
	}.builder())
	d.b.Link(withoutPlacement(dashboard.NewDashboardLinkBuilder("Team " + s.Team).
		Type(dashboard.DashboardLinkTypeDashboards).
		Tags([]string{conventions.DashboardTag, conventions.DashboardTeamTag(s.Team)}).
		Icon("dashboard").
		Tooltip("Dashboards of the services of team " + s.Team).
		AsDropdown(true).KeepTime(true).IncludeVars(true).TargetBlank(false)))
	d.b.Link(link{title: "Runbook", tooltip: "The runbook every alert of " + s.Name + " links to", url: s.Runbook, icon: "doc", newTab: true}.builder())

	if err := e.goldenSignals(d, s); err != nil {
		return dashboard.Dashboard{}, err
	}
	for _, o := range s.SLOs {
		e.sloRow(d, s, o)
	}
	if len(s.Dependencies) > 0 {
		e.dependencies(d, s)
	}
	return d.b.Build()
}

// availabilitySLO returns the service's first availability SLO on the
// conventional SLI (its request counter), whose 5m recordings are exactly the
// service's request and error rates; nil when it has none.
func availabilitySLO(s *catalog.Service) *catalog.SLO {
	for _, o := range s.SLOs {
		if o.Kind == catalog.SLOAvailability && o.SLI == nil {
			return o
		}
	}
	return nil
}

// goldenSignals adds the row of traffic, errors, latency and saturation.
func (e *env) goldenSignals(d *board, s *catalog.Service) error {
	d.row("Golden signals")
	m := e.m
	short := conventions.CurrentBurnWindow
	errRatio := s.Alerting.ErrorRate
	errLine := ratioFloat(errRatio)

	// Traffic and errors read the 5m recordings of a conventional
	// availability SLO where there is one: the numbers HighErrorRate and the
	// SLO's alerts see. Otherwise, raw rates.
	var rateSeries []series
	var ratio parser.Expr
	var source string
	if o := availabilitySLO(s); o != nil {
		rateSeries = []series{
			{e.recorded(conventions.RecordSLITotalRate(catalog.FormatDuration(short)), s, o), "requests"},
			{e.recorded(conventions.RecordSLIErrorRate(catalog.FormatDuration(short)), s, o), "errors (" + m.StatusLabel + " =~ " + m.ErrorStatus + ")"},
		}
		ratio = e.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(short)), s, o)
		source = "over " + catalog.FormatDuration(short) + " windows, from the recording rules of the " + o.Name + " SLO"
	} else {
		all := e.raw(m.Requests, s)
		bad := promql.With(all, promql.Re(m.StatusLabel, m.ErrorStatus))
		rateSeries = []series{
			{promql.Sum(rate(all)), "requests"},
			{promql.Sum(rate(bad)), "errors (" + m.StatusLabel + " =~ " + m.ErrorStatus + ")"},
		}
		ratio = div(promql.Binary(parser.LOR, promql.Sum(rate(bad)), vector0()), promql.Sum(rate(all)))
		source = "from " + m.Requests
	}
	d.graph(graph{
		title:       "Request rate",
		description: "Requests per second to " + s.Name + " and those that failed, " + source + ".",
		unit:        units.RequestsPerSecond, decimals: 2,
		series: rateSeries, legend: legendList, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Error ratio",
		description: "Share of requests to " + s.Name + " that failed (" + m.StatusLabel + " =~ " + m.ErrorStatus + "), " + source +
			". No value while there is no traffic. The line is the " + string(s.Tier) + " tier's limit: " + conventions.AlertHighErrorRate +
			" pages when it stays above " + errRatio.String() + " %.",
		unit: units.PercentUnit, decimals: percentDecimals(errRatio),
		series: []series{{ratio, "error ratio"}},
		lines:  []line{{errLine, colorCritical}}, softMax: 1.2 * errLine,
		legend: legendList, width: third, height: graphHeight,
	})

	// Latency quantiles from the request histogram, against the tier's p95
	// alert and the thresholds of the latency SLOs.
	bucket := e.raw(conventions.HistogramBuckets(m.Duration), s)
	var lat []series
	for _, q := range quantiles {
		lat = append(lat, series{promql.Call(promql.FnHistogramQuantile, promql.Num(q.q), promql.Sum(rate(bucket), "le")), q.legend})
	}
	var lines []line
	var sloText []string
	for _, o := range s.SLOs {
		if o.Kind != catalog.SLOLatency || o.SLI != nil || o.Threshold <= 0 {
			continue
		}
		lines = append(lines, line{o.Threshold.Seconds(), colorInfo})
		color := "blue"
		if o.Threshold == s.Alerting.Latency {
			color = "the orange line"
		}
		sloText = append(sloText, "the "+o.Name+" SLO counts requests slower than "+catalog.FormatDuration(o.Threshold)+" as bad ("+color+")")
	}
	lines = append(lines, line{s.Alerting.Latency.Seconds(), colorWarning})
	latDesc := "Latency quantiles of " + s.Name + " from " + m.Duration + ". Lines: " + conventions.AlertHighLatency +
		" warns when p95 stays above " + catalog.FormatDuration(s.Alerting.Latency) + " (orange)"
	if len(sloText) > 0 {
		latDesc += "; " + strings.Join(sloText, "; ")
	}
	d.graph(graph{
		title: "Latency", description: latDesc + ".",
		unit: units.Seconds, decimals: 1, series: lat,
		lines: lines, softMax: 1.2 * maxLine(lines),
		legend: legendList, width: third, height: graphHeight,
	})

	return e.saturation(d, s)
}

// saturation adds CPU, memory and CPU throttling per pod from cAdvisor, with
// the container's requests and limits as lines.
func (e *env) saturation(d *board, s *catalog.Service) error {
	q := map[string]float64{}
	for _, r := range []struct{ name, value string }{
		{"requests.cpu", s.Resources.Requests.CPU}, {"limits.cpu", s.Resources.Limits.CPU},
		{"requests.memory", s.Resources.Requests.Memory}, {"limits.memory", s.Resources.Limits.Memory},
	} {
		v, err := resource.ParseQuantity(r.value)
		if err != nil {
			return fmt.Errorf("resources.%s %q: %w", r.name, r.value, err)
		}
		q[r.name] = v.AsApproximateFloat64()
	}
	ctr := func(metric string) *parser.VectorSelector {
		return promql.Selector(metric,
			e.clusterMatcher(), promql.Eq(labelNamespace, e.c.Settings.Namespace), promql.Eq(labelContainer, s.Name))
	}
	where := "the " + s.Name + " containers in namespace " + e.c.Settings.Namespace + " (cAdvisor), per pod"
	d.graph(graph{
		title: "CPU",
		description: "CPU used by " + where + ", in cores. Lines: the request " + s.Resources.Requests.CPU +
			" (orange) and the limit " + s.Resources.Limits.CPU + " (red; the kernel throttles a container at it).",
		unit: units.Short, decimals: 2,
		series: []series{{promql.Sum(rate(ctr(MetricCPUUsage)), labelPod), "{{" + labelPod + "}}"}},
		lines:  []line{{q["requests.cpu"], colorWarning}, {q["limits.cpu"], colorCritical}}, softMax: 1.1 * q["limits.cpu"],
		legend: legendList, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Memory",
		description: "Working-set memory of " + where + ". Lines: the request " + s.Resources.Requests.Memory +
			" (orange) and the limit " + s.Resources.Limits.Memory + " (red; a container above it is OOM-killed).",
		unit: units.BytesIEC, decimals: 1,
		series: []series{{promql.Aggregate(parser.MAX, ctr(MetricMemoryWorkingSet), labelPod), "{{" + labelPod + "}}"}},
		lines:  []line{{q["requests.memory"], colorWarning}, {q["limits.memory"], colorCritical}}, softMax: 1.1 * q["limits.memory"],
		legend: legendList, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "CPU throttling",
		description: "Share of CPU scheduling periods in which the " + s.Name + " containers ran out of their CPU limit " +
			s.Resources.Limits.CPU + " and waited, per pod (cAdvisor). Throttling adds latency long before CPU use reaches the limit on average.",
		unit: units.PercentUnit, decimals: 1,
		series: []series{{div(promql.Sum(rate(ctr(MetricCPUThrottled)), labelPod), promql.Sum(rate(ctr(MetricCPUPeriods)), labelPod)), "{{" + labelPod + "}}"}},
		legend: legendList, width: third, height: graphHeight,
	})
	return nil
}

// sloRow adds the row of one SLO: compliance over the period, the error
// budget left and the burn rate against the alerts' factors.
func (e *env) sloRow(d *board, s *catalog.Service, o *catalog.SLO) {
	period := catalog.FormatDuration(o.Period)
	d.row("SLO " + o.Name + ": " + describe(s, o))
	budget := o.ErrorBudget()
	periodRatio := conventions.RecordSLIErrorRatio(catalog.FormatDuration(o.Period))
	noEvents := "No events in " + period

	d.stat(single{
		title: "Compliance (" + period + ")",
		description: "Share of good events over the last " + period + " (1 − " + periodRatio + "): green at or above the objective of " +
			o.Objective.String() + " %, red below it. No value while the period has seen no events.",
		unit: units.PercentUnit, decimals: float64(max(2, fracDigits(o.Objective)+1)),
		series:  series{promql.Binary(parser.SUB, promql.Num(1), e.recorded(periodRatio, s, o)), ""},
		base:    colorCritical,
		lines:   []line{{ratioFloat(o.Objective), colorOK}},
		noValue: noEvents, width: sloStatWidth, height: graphHeight,
	})
	d.gauge(single{
		title: "Error budget left",
		description: "Share of the " + period + " error budget left (" + conventions.RecordBudgetRemaining + "): the budget is " + budget.String() +
			" % of events: " + catalog.FormatDuration(budgetTime(o)) + " with every event bad. " + conventions.AlertBudgetLow +
			" warns below " + percentText(budgetWarnLeft) + " % (orange: slow down risky changes) and pages below " + percentText(budgetCriticalLeft) +
			" % (red: freeze deploys except fixes). Negative when overspent; no value while the period has seen no events.",
		unit: units.PercentUnit, decimals: 1,
		series:  series{e.recorded(conventions.RecordBudgetRemaining, s, o), ""},
		base:    colorCritical,
		lines:   []line{{budgetCriticalLeft, colorWarning}, {budgetWarnLeft, colorOK}},
		noValue: noEvents, min: ptr(0.0), max: ptr(1.0), width: sloStatWidth, height: graphHeight,
	})

	// The burn rate over each alert's long window, and the current (5m) one.
	budgetNum := promql.Num(ratioFloat(budget))
	burn := []series{{e.recorded(conventions.RecordCurrentBurnRate, s, o), catalog.FormatDuration(conventions.CurrentBurnWindow)}}
	var lines []line
	var pages, tickets []string
	seen := map[time.Duration]bool{}
	for _, a := range o.BurnAlerts() {
		f := a.Factor(o.Period)
		fv, _ := f.Float64()
		pair := formatRat(f) + "× (" + catalog.FormatDuration(a.Long) + " and " + catalog.FormatDuration(a.Short) + ")"
		if a.Severity == conventions.SeverityCritical {
			lines = append(lines, line{fv, colorCritical})
			pages = append(pages, pair)
		} else {
			lines = append(lines, line{fv, colorWarning})
			tickets = append(tickets, pair)
		}
		if !seen[a.Long] {
			seen[a.Long] = true
			burn = append(burn, series{div(e.recorded(conventions.RecordSLIErrorRatio(catalog.FormatDuration(a.Long)), s, o), budgetNum), catalog.FormatDuration(a.Long)})
		}
	}
	d.graph(graph{
		title: "Burn rate",
		description: "How fast the " + o.Name + " SLO spends its error budget: the error ratio over a window divided by the budget (" +
			budget.String() + " %); at 1× the budget lasts exactly the " + period + " period. Series: the current rate (" +
			conventions.RecordCurrentBurnRate + ") and each alert's long window. Lines: an alert fires when both its long and its short window burn faster — " +
			conventions.AlertBurnPage + " pages at " + strings.Join(pages, " or ") + " (red), " + conventions.AlertBurnTicket + " opens a ticket at " +
			strings.Join(tickets, " or ") + " (orange). No value while a window has seen no events.",
		unit: "suffix:×", decimals: 2,
		series: burn, lines: lines, softMax: 1.1 * maxLine(lines),
		legend: legendTable, width: sloBurnWidth, height: graphHeight,
	})
}

// dependencies adds the row of what the service's generated client sees of
// its dependencies.
func (e *env) dependencies(d *board, s *catalog.Service) {
	d.row("Dependencies (generated client)")
	client := func(metric string) *parser.VectorSelector { return e.raw(metric, s) }
	calls := client(conventions.ClientRequests)
	failed := promql.With(calls, promql.Re(conventions.ClientLabelOutcome, alternatives(failedOutcomes)))
	dep := conventions.ClientLabelDependency
	byDep := "{{" + dep + "}}"
	// Every description says where the numbers come from.
	gen := s.Name + "'s generated client (" + conventions.GoPackageDir(s.Name) + ")"
	exports := " The client exports these metrics when built with WithRegisterer."

	d.graph(graph{
		title:       "Calls by dependency",
		description: "Calls per second from " + s.Name + " to each dependency, as " + gen + " counts them: once per call, whatever its retries." + exports,
		unit:        units.RequestsPerSecond, decimals: 2,
		series: []series{{promql.Sum(rate(calls), dep), byDep}},
		legend: legendList, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Failed calls by dependency",
		description: "Share of the calls to each dependency that failed (" + strings.Join(failedOutcomes, ", ") + "), as " + gen +
			" counts them; calls the caller canceled are neither good nor failed." + exports,
		unit: units.PercentUnit, decimals: 2,
		series: []series{{div(promql.Sum(rate(failed), dep), promql.Sum(rate(calls), dep)), byDep}},
		legend: legendList, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Failures by outcome",
		description: "Failed calls per second by dependency and by what failed them, as " + gen +
			" counts them: an error response or transport error, a timeout, an open circuit breaker, a full bulkhead." + exports,
		unit: units.RequestsPerSecond, decimals: 2,
		series: []series{{promql.Sum(rate(failed), dep, conventions.ClientLabelOutcome), byDep + ": {{" + conventions.ClientLabelOutcome + "}}"}},
		legend: legendList, hideZeros: true, width: third, height: graphHeight,
	})

	breaker := client(conventions.ClientBreakerState)
	open := promql.With(breaker, promql.Eq(conventions.ClientLabelState, conventions.ClientStateOpen))
	halfOpen := promql.With(breaker, promql.Eq(conventions.ClientLabelState, conventions.ClientStateHalfOpen))
	var breakers []string
	for _, x := range s.Dependencies {
		breakers = append(breakers, x.Name+" opens at "+x.Breaker.Describe()+" failing and half-opens after "+catalog.FormatDuration(x.Breaker.OpenFor))
	}
	d.states(states{
		title: "Circuit breakers",
		description: "State of the circuit breaker in " + gen + " to each dependency: the worst over the service's pods, " +
			"each of which has its own breaker. " + strings.Join(breakers, "; ") + "." + exports,
		series: []series{{promql.Aggregate(parser.MAX,
			promql.Ignoring(parser.ADD, promql.Binary(parser.MUL, promql.Num(2), open), halfOpen, conventions.ClientLabelState), dep), byDep}},
		states: []state{
			{0, "closed", colorOK},
			{1, "half-open", colorHalfOpen},
			{2, "open", colorCritical},
		},
		width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Bulkhead rejections",
		description: "Calls per second the bulkhead of " + gen + " refused, by dependency: more calls were in flight than it admits (" +
			bulkheads(s) + ")." + exports,
		unit: units.RequestsPerSecond, decimals: 2,
		series: []series{{promql.Sum(rate(client(conventions.ClientBulkheadRejections)), dep), byDep}},
		legend: legendList, hideZeros: true, width: third, height: graphHeight,
	})
	d.graph(graph{
		title: "Retries",
		description: "Retries per second by " + gen + ", by dependency. It retries only where it owns the retries; " +
			"the mesh retries the others, unseen by the client (" + retryOwners(s) + ")." + exports,
		unit: units.RequestsPerSecond, decimals: 2,
		series: []series{{promql.Sum(rate(client(conventions.ClientRetries)), dep), byDep}},
		legend: legendList, hideZeros: true, width: third, height: graphHeight,
	})

	// Latency per dependency, against its timeouts.
	width := uint32(24 / min(len(s.Dependencies), 4))
	for _, x := range s.Dependencies {
		bucket := promql.With(client(conventions.HistogramBuckets(conventions.ClientRequestDuration)), promql.Eq(dep, x.Name))
		var lat []series
		for _, q := range quantiles {
			lat = append(lat, series{promql.Call(promql.FnHistogramQuantile, promql.Num(q.q), promql.Sum(rate(bucket), "le")), q.legend})
		}
		g := graph{
			title: x.Name + " latency",
			description: "Duration of the calls to " + x.Name + " (" + string(x.Kind) + ", " + target(x) + ") as " + gen +
				" measures them, retries and backoff included. Lines: the per-try timeout " + catalog.FormatDuration(x.Timeout.PerTry) +
				" (orange) and the total timeout " + catalog.FormatDuration(x.Timeout.Total) + " (red)." + exports,
			unit: units.Seconds, decimals: 1, series: lat,
			lines:  []line{{x.Timeout.PerTry.Seconds(), colorWarning}, {x.Timeout.Total.Seconds(), colorCritical}},
			legend: legendList, width: width, height: graphHeight,
		}
		if callee := e.c.Callee(x); callee != nil {
			g.links = []link{{
				title: callee.Name + " dashboard", tooltip: "The dashboard of " + callee.Name,
				url: conventions.DashboardURL("", callee.Name), icon: "dashboard", keepContext: true,
			}}
		}
		d.graph(g)
	}
}

// target names what a dependency calls.
func target(d *catalog.Dependency) string {
	if d.Kind == catalog.KindInternal {
		return "service " + d.Service
	}
	if d.Port > 0 {
		return d.Host + ":" + strconv.Itoa(d.Port)
	}
	return d.Host
}

// bulkheads describes the dependencies' bulkheads.
func bulkheads(s *catalog.Service) string {
	var parts []string
	for _, d := range s.Dependencies {
		b := d.Bulkhead
		switch b.Isolation {
		case catalog.IsolationNone:
			parts = append(parts, d.Name+": none")
		case catalog.IsolationPool:
			parts = append(parts, d.Name+": "+strconv.Itoa(b.MaxConcurrent)+" concurrent and "+strconv.Itoa(b.MaxQueue)+" queued")
		default:
			parts = append(parts, d.Name+": "+strconv.Itoa(b.MaxConcurrent)+" concurrent")
		}
	}
	return strings.Join(parts, "; ")
}

// retryOwners says who retries each dependency.
func retryOwners(s *catalog.Service) string {
	var parts []string
	for _, d := range s.Dependencies {
		switch {
		case d.Retry.MaxRetries == 0:
			parts = append(parts, d.Name+": no retries")
		case d.Retry.Owner == catalog.OwnerClient:
			parts = append(parts, d.Name+": the client, up to "+strconv.Itoa(d.Retry.MaxRetries))
		default:
			parts = append(parts, d.Name+": the mesh, up to "+strconv.Itoa(d.Retry.MaxRetries))
		}
	}
	return strings.Join(parts, "; ")
}

// describe says what an SLO promises.
func describe(s *catalog.Service, o *catalog.SLO) string {
	obj := o.Objective.String() + " % of "
	over := " over " + catalog.FormatDuration(o.Period)
	switch {
	case o.SLI != nil:
		return obj + "events good by its custom SLI" + over
	case o.Kind == catalog.SLOLatency:
		return obj + "requests faster than " + catalog.FormatDuration(o.Threshold) + over
	}
	return obj + "requests succeed" + over
}

// ratioFloat is a percentage as the float of its ratio (99.9 → 0.999),
// parsed from the exact decimal so that it prints as written.
func ratioFloat(p catalog.Percent) float64 {
	f, err := strconv.ParseFloat(p.Ratio(), 64)
	if err != nil {
		panic("grafana: catalog.Percent.Ratio is not a decimal: " + p.Ratio())
	}
	return f
}

// fracDigits is the number of decimals a percentage is written with.
func fracDigits(p catalog.Percent) int {
	_, frac, _ := strings.Cut(p.String(), ".")
	return len(frac)
}

// percentDecimals are the decimals a percentage near p needs: one more than
// p is written with, and at least two.
func percentDecimals(p catalog.Percent) float64 { return float64(max(2, fracDigits(p)+1)) }

// percentText writes a ratio as a percentage (0.2 → 20).
func percentText(r float64) string { return strconv.FormatFloat(r*100, 'g', -1, 64) }

func maxLine(ls []line) float64 {
	m := 0.0
	for _, l := range ls {
		m = max(m, l.value)
	}
	return m
}

// budgetTime is the error budget as time: period × budget.
func budgetTime(o *catalog.SLO) time.Duration {
	t := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(o.Period)), o.ErrorBudget().Rat())
	return time.Duration(new(big.Int).Quo(t.Num(), t.Denom()).Int64()).Round(time.Second)
}

// formatRat writes an exact rational for people, with up to four decimals.
func formatRat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return strings.TrimSuffix(strings.TrimRight(r.FloatString(4), "0"), ".")
}

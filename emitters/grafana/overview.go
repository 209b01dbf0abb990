//lint:file-ignore SA1019 The SDK marks the v1 dashboard model deprecated in favour of v2, which only
// Grafana 12 with its new dashboard APIs imports; v1 JSON imports into every Grafana in use, so the
// target writes v1 until v2 is the norm.

package grafana

import (
	"math/big"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/units"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/promql"
)

// overviewDashboard builds the SLO overview: counts of the SLOs in trouble
// across the catalog, then a row per team with a table of its services'
// SLOs, worst first.
//
// A dashboard is static, so "worst first" is a sort order Grafana applies to
// live values: each team's table is sorted by the share of error budget
// left, ascending. Budget left is what the error-budget policy acts on, and
// it already weighs compliance against each SLO's own objective (a 99 % SLO
// at 99.5 % is fine, a 99.9 % one at 99.5 % is not), which compliance
// alone cannot be sorted by.
func (e *env) overviewDashboard() (dashboard.Dashboard, error) {
	d := e.newBoard(OverviewTitle, conventions.OverviewDashboardUID,
		"Every SLO of the service catalog, one row per team, each team's SLOs sorted by the share of error budget left, "+
			"worst first. "+generatedNote,
		[]string{conventions.DashboardTag},
		"label_values("+conventions.RecordObjective+", "+labelCluster+")")
	d.b.Time("now-24h", "now")
	d.b.Link(withoutPlacement(dashboard.NewDashboardLinkBuilder("Service dashboards").
		Type(dashboard.DashboardLinkTypeDashboards).
		Tags([]string{conventions.DashboardTag}).
		Icon("dashboard").
		Tooltip("Every dashboard svcgen generated").
		AsDropdown(true).KeepTime(true).IncludeVars(true).TargetBlank(false)))

	byTeam := map[string][]*catalog.Service{}
	var all []string
	for _, s := range e.c.Services {
		if len(s.SLOs) > 0 {
			byTeam[s.Team] = append(byTeam[s.Team], s)
			all = append(all, s.Name)
		}
	}
	if len(all) > 0 {
		e.summary(d, all)
	}
	for _, t := range e.c.Teams {
		if ss := byTeam[t.Name]; len(ss) > 0 {
			e.teamTable(d, t.Name, ss)
		}
	}
	return d.b.Build()
}

// slos selects a recorded SLO series of the given services.
func (e *env) slos(name string, services []string) *parser.VectorSelector {
	return promql.Selector(name, e.clusterMatcher(), promql.Re(conventions.RecordLabelService, alternatives(services)))
}

// summary adds the counts of SLOs in trouble across the catalog.
func (e *env) summary(d *board, services []string) {
	d.row("All teams")
	// One series per SLO (min and max drop the replicas a global view may
	// still hold), then counted; vector(0) makes none a 0, not no value.
	perSLO := func(agg parser.ItemType, name string) parser.Expr {
		return promql.Aggregate(agg, e.slos(name, services), conventions.RecordLabelService, conventions.RecordLabelSLO)
	}
	count := func(agg parser.ItemType, name string, op parser.ItemType, v float64) parser.Expr {
		return promql.Binary(parser.LOR, promql.Aggregate(parser.COUNT, promql.Binary(op, perSLO(agg, name), promql.Num(v))), vector0())
	}
	d.stat(single{
		title: "SLOs", description: "SLOs of the catalog that Prometheus records (" + conventions.RecordObjective + ").",
		unit: units.NoUnit, decimals: 0,
		series: series{promql.Aggregate(parser.COUNT, perSLO(parser.MAX, conventions.RecordObjective)), ""},
		base:   colorInfo, noValue: "None recorded", width: 6, height: 4,
	})
	d.stat(single{
		title:       "Budget below " + percentText(budgetWarnLeft) + " %",
		description: "SLOs with less than " + percentText(budgetWarnLeft) + " % of their error budget left: " + conventions.AlertBudgetLow + " tickets (budget_left=\"50\"); slow down risky changes.",
		unit:        units.NoUnit, decimals: 0,
		series: series{count(parser.MIN, conventions.RecordBudgetRemaining, parser.LSS, budgetWarnLeft), ""},
		base:   colorOK, lines: []line{{1, colorWarning}}, width: 6, height: 4,
	})
	d.stat(single{
		title:       "Budget below " + percentText(budgetCriticalLeft) + " %",
		description: "SLOs with less than " + percentText(budgetCriticalLeft) + " % of their error budget left: " + conventions.AlertBudgetLow + " tickets (budget_left=\"20\"), never pages; deploys freeze except fixes.",
		unit:        units.NoUnit, decimals: 0,
		series: series{count(parser.MIN, conventions.RecordBudgetRemaining, parser.LSS, budgetCriticalLeft), ""},
		base:   colorOK, lines: []line{{1, colorCritical}}, width: 6, height: 4,
	})
	d.stat(single{
		title: "Burning too fast",
		description: "SLOs whose current burn rate (" + conventions.RecordCurrentBurnRate + ", over " + catalog.FormatDuration(conventions.CurrentBurnWindow) +
			") is above 1×: at that pace their budget runs out before their period ends.",
		unit: units.NoUnit, decimals: 0,
		series: series{count(parser.MAX, conventions.RecordCurrentBurnRate, parser.GTR, 1), ""},
		base:   colorOK, lines: []line{{1, colorWarning}}, width: 6, height: 4,
	})
}

// teamTable adds a team's row: one table row per SLO of its services.
func (e *env) teamTable(d *board, team string, services []*catalog.Service) {
	d.row("Team " + team)
	names := make([]string, len(services))
	var links []link
	objDigits := 0
	var periods []time.Duration
	seenPeriod := map[time.Duration]bool{}
	var pageFactor *big.Rat
	n := 0
	for i, s := range services {
		names[i] = s.Name
		links = append(links, link{
			title: s.Name, tooltip: "The dashboard of " + s.Name,
			url: conventions.DashboardURL("", s.Name), icon: "dashboard", keepContext: true,
		})
		for _, o := range s.SLOs {
			n++
			objDigits = max(objDigits, fracDigits(o.Objective))
			if !seenPeriod[o.Period] {
				seenPeriod[o.Period] = true
				periods = append(periods, o.Period)
			}
			// The lowest factor at which a page fires, over the team's
			// SLOs: the cell turns red when any SLO could be paging.
			for _, a := range o.BurnAlerts() {
				if f := a.Factor(o.Period); a.Severity == conventions.SeverityCritical && (pageFactor == nil || f.Cmp(pageFactor) < 0) {
					pageFactor = f
				}
			}
		}
	}
	// Compliance is 1 − the error ratio over each SLO's own period; SLOs
	// of different periods have differently named recordings.
	var compliance parser.Expr
	for i, p := range periods {
		c := promql.Binary(parser.SUB, promql.Num(1), e.slos(conventions.RecordSLIErrorRatio(catalog.FormatDuration(p)), names))
		if i == 0 {
			compliance = c
		} else {
			compliance = promql.Binary(parser.LOR, compliance, c)
		}
	}
	// Aggregating by service and slo drops the metric name and any external
	// labels, so the four queries' rows merge; min and max keep the worst
	// where a global view still holds replicas.
	by := []string{conventions.RecordLabelService, conventions.RecordLabelSLO}
	page, _ := pageFactor.Float64()
	d.table(tableSpec{
		title: "SLOs of team " + team,
		description: "The SLOs of the services of team " + team + ", sorted by the share of error budget left, worst first; " +
			"an SLO whose period has seen no events has no compliance, budget or burn rate. Budget left: orange below " +
			percentText(budgetWarnLeft) + " %, red below " + percentText(budgetCriticalLeft) + " % (the error-budget policy). Burn rate over " +
			catalog.FormatDuration(conventions.CurrentBurnWindow) + ": orange above 1× (the budget runs out before the period ends), red from " +
			formatRat(pageFactor) + "× (the lowest factor at which one of these SLOs pages). The panel's links open the services' dashboards.",
		keys: []key{{conventions.RecordLabelService, "Service"}, {conventions.RecordLabelSLO, "SLO"}},
		columns: []column{
			{name: "Objective", series: series{promql.Aggregate(parser.MAX, e.slos(conventions.RecordObjective, names), by...), ""},
				unit: units.PercentUnit, decimals: float64(objDigits)},
			{name: "Compliance", series: series{promql.Aggregate(parser.MIN, compliance, by...), ""},
				unit: units.PercentUnit, decimals: float64(max(2, objDigits+1))},
			{name: "Budget left", series: series{promql.Aggregate(parser.MIN, e.slos(conventions.RecordBudgetRemaining, names), by...), ""},
				unit: units.PercentUnit, decimals: 1, colorCells: true, base: colorCritical,
				lines: []line{{budgetCriticalLeft, colorWarning}, {budgetWarnLeft, colorOK}}},
			{name: "Burn rate (" + catalog.FormatDuration(conventions.CurrentBurnWindow) + ")", series: series{promql.Aggregate(parser.MAX, e.slos(conventions.RecordCurrentBurnRate, names), by...), ""},
				unit: "suffix:×", decimals: 2, colorCells: true, base: colorOK,
				lines: []line{{1, colorWarning}, {page, colorCritical}}},
		},
		sortBy: "Budget left", desc: false,
		width: 24, height: uint32(min(3+n, 24)),
		links: links,
	})
}

package conventions

import "time"

// Recording rules the Prometheus target writes, and the Grafana target
// reads: level:metric:operations names (Prometheus' naming convention), where
// the level "slo" means one series per SLO, labelled RecordLabelService and
// RecordLabelSLO.
//
// A window is passed as generated files write it (catalog.FormatDuration):
// 5m, 30m, 1h, 2h, 6h, 1d, 3d, and the SLO period (30d). The package takes
// the text rather than a duration so that there is one duration printer, the
// model's.
//
// "Events" are what the SLI counts: requests for availability and latency
// SLIs, whatever the queries count for a custom SLI. Bad events are failed
// requests (availability) or requests slower than the threshold (latency).

// Labels on every recorded SLO series.
const (
	RecordLabelService = AlertLabelService
	RecordLabelSLO     = AlertLabelSLO
)

// RecordSLITotalRate is the series of all events per second over window
// (slo:sli_total:rate5m). Absent when the SLI's metrics are.
func RecordSLITotalRate(window string) string { return "slo:sli_total:rate" + window }

// RecordSLIErrorRate is the series of bad events per second over window
// (slo:sli_error:rate5m).
func RecordSLIErrorRate(window string) string { return "slo:sli_error:rate" + window }

// RecordSLIErrorRatio is the series of the share of bad events over window,
// from 0 to 1 (slo:sli_error:ratio_rate5m). Recorded for every burn window
// and for the SLO's period (slo:sli_error:ratio_rate30d), where it is
// weighted by traffic. No series while there is no traffic: never NaN.
func RecordSLIErrorRatio(window string) string { return "slo:sli_error:ratio_rate" + window }

// RecordSLITotalIncrease is the series of all events over the SLO period
// (slo:sli_total:increase30d), summed from the 5m rates.
func RecordSLITotalIncrease(period string) string { return "slo:sli_total:increase" + period }

// RecordSLIErrorIncrease is the series of bad events over the SLO period
// (slo:sli_error:increase30d), summed from the 5m rates.
func RecordSLIErrorIncrease(period string) string { return "slo:sli_error:increase" + period }

// SLO metadata series, one per SLO.
const (
	// RecordObjective is the objective as a ratio (0.999).
	RecordObjective = "slo:objective:ratio"
	// RecordErrorBudget is the error budget as a ratio (0.001).
	RecordErrorBudget = "slo:error_budget:ratio"
	// RecordPeriodDays is the SLO period in days (30).
	RecordPeriodDays = "slo:period:days"
	// RecordBudgetRemaining is the share of the period's error budget left:
	// 1 untouched, 0 spent, negative overspent. No series without traffic.
	RecordBudgetRemaining = "slo:error_budget_remaining:ratio"
	// RecordCurrentBurnRate is the error ratio over CurrentBurnWindow divided
	// by the error budget: 1 spends the budget exactly over the period.
	RecordCurrentBurnRate = "slo:current_burn_rate:ratio"
	// RecordPeriodBurnRate is the error ratio over the period divided by the
	// error budget.
	RecordPeriodBurnRate = "slo:period_burn_rate:ratio"
)

// CurrentBurnWindow is the window of RecordCurrentBurnRate: the shortest
// window of the page alert.
const CurrentBurnWindow = 5 * time.Minute

// Error-budget policy: ErrorBudgetLow warns below BudgetWarnLeft of the
// period's budget left and pages below BudgetCriticalLeft; the dashboards'
// budget gauges change colour at the same shares.
const (
	BudgetWarnLeft     = 0.5
	BudgetCriticalLeft = 0.2
)

// MetricUp is Prometheus' own scrape health, 1 or 0 per target: ServiceDown
// alerts on it, and each service dashboard lists the clusters it is scraped
// in from its labels.
const MetricUp = "up"

// HistogramBuckets is the bucket series of a Prometheus histogram: the
// latency alerts, the latency SLIs and the latency panels read the
// catalog's request histogram and the client's through it.
func HistogramBuckets(histogram string) string { return histogram + "_bucket" }

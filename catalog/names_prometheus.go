package catalog

import "time"

// Recording rules the Prometheus emitter writes, and the Grafana emitter
// reads: level:metric:operations names (Prometheus' naming convention), where
// the level "slo" means one series per SLO, labelled RecordLabelService and
// RecordLabelSLO. Windows are written as FormatDuration writes them: 5m, 30m,
// 1h, 2h, 6h, 1d, 3d, and the SLO period (30d).
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
func RecordSLITotalRate(window time.Duration) string {
	return "slo:sli_total:rate" + FormatDuration(window)
}

// RecordSLIErrorRate is the series of bad events per second over window
// (slo:sli_error:rate5m).
func RecordSLIErrorRate(window time.Duration) string {
	return "slo:sli_error:rate" + FormatDuration(window)
}

// RecordSLIErrorRatio is the series of the share of bad events over window,
// from 0 to 1 (slo:sli_error:ratio_rate5m). Recorded for every window of
// BurnWindows and for the SLO's period (slo:sli_error:ratio_rate30d), where
// it is weighted by traffic. No series while there is no traffic: never NaN.
func RecordSLIErrorRatio(window time.Duration) string {
	return "slo:sli_error:ratio_rate" + FormatDuration(window)
}

// RecordSLITotalIncrease is the series of all events over the SLO period
// (slo:sli_total:increase30d), summed from the 5m rates.
func RecordSLITotalIncrease(period time.Duration) string {
	return "slo:sli_total:increase" + FormatDuration(period)
}

// RecordSLIErrorIncrease is the series of bad events over the SLO period
// (slo:sli_error:increase30d), summed from the 5m rates.
func RecordSLIErrorIncrease(period time.Duration) string {
	return "slo:sli_error:increase" + FormatDuration(period)
}

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

// Values of ClientLabelState on ClientBreakerState, as the generated Go
// clients write them (failsafe-go's three breaker states).
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half_open"
)

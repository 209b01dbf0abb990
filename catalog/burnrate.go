package catalog

import (
	"math/big"
	"time"
)

// BurnAlert is one window pair of a multiwindow, multi-burn-rate SLO alert
// (Google SRE workbook, ch. 5): the alert fires when both the long and the
// short window burn the error budget at least Factor times faster than the
// rate that would spend it exactly over the SLO period.
type BurnAlert struct {
	// Severity is "critical" for pages and "warning" for tickets.
	Severity string
	Long     time.Duration
	Short    time.Duration
	// BudgetSpent is the share of the period's budget that burning at
	// Factor for Long consumes: 2 % and 5 % for pages, 10 % for tickets.
	BudgetSpent *big.Rat
}

// The window pairs of the workbook, for any period: the factor follows from
// the period (BudgetSpent × period / long window), so a 30-day SLO pages at
// 14.4× and 6×, and a 28-day one at 13.44× and 5.6×.
var burnAlerts = []BurnAlert{
	{Severity: "critical", Long: time.Hour, Short: 5 * time.Minute, BudgetSpent: big.NewRat(2, 100)},
	{Severity: "critical", Long: 6 * time.Hour, Short: 30 * time.Minute, BudgetSpent: big.NewRat(5, 100)},
	{Severity: "warning", Long: Day, Short: 2 * time.Hour, BudgetSpent: big.NewRat(10, 100)},
	{Severity: "warning", Long: 3 * Day, Short: 6 * time.Hour, BudgetSpent: big.NewRat(10, 100)},
}

// BurnAlerts returns the SLO's window pairs, pages first.
func (s *SLO) BurnAlerts() []BurnAlert { return burnAlerts }

// Factor is the burn rate at which the pair fires for an SLO over period,
// as an exact rational (13.44 for a page over 1h on 28 days).
func (a BurnAlert) Factor(period time.Duration) *big.Rat {
	f := new(big.Rat).Mul(a.BudgetSpent, big.NewRat(int64(period), int64(a.Long)))
	return f
}

// BurnWindows lists every window an SLO's burn-rate alerts read, ascending
// (5m, 30m, 1h, 2h, 6h, 1d, 3d): each gets a recording rule.
func BurnWindows() []time.Duration {
	return []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, Day, 3 * Day}
}

// Rat returns p as an exact rational ratio (99.9 → 999/1000).
func (p Percent) Rat() *big.Rat { return big.NewRat(p.units, 100*percentScale) }

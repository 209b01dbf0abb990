package check

import (
	"math/big"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/conventions"
)

// A burn-rate alert fires when the error ratio exceeds factor × error budget.
// The ratio never exceeds 1, so where factor × budget ≥ 1 the alert can never
// fire: a loose objective over a long period (95 % over 90 days pages only
// at a 43.2× burn, an error ratio of 216 %).
var burnAlertReachable = &Rule{
	ID:       "burn-alert-reachable",
	Doc:      "an SLO's burn-rate alerts must be able to fire: factor × error budget below 1",
	Severity: diag.Error,
	Run: func(p *Pass) {
		one := big.NewRat(1, 1)
		for _, s := range p.Catalog.Services {
			for _, o := range s.SLOs {
				budget := o.ErrorBudget().Rat()
				var worst *catalog.BurnAlert
				var worstFactor *big.Rat
				for _, a := range o.BurnAlerts() {
					f := a.Factor(o.Period)
					if new(big.Rat).Mul(f, budget).Cmp(one) >= 0 && (worstFactor == nil || f.Cmp(worstFactor) > 0) {
						worst, worstFactor = &a, f
					}
				}
				if worst == nil {
					continue
				}
				ratio := new(big.Rat).Mul(worstFactor, budget)
				p.Report(o.Sources.Pos("objective", o.Pos), s.Name,
					"SLO %s: objective %s %% over %s: the %s alert at %s× the budget rate over %s fires only above an error ratio of %s %%, so it can never fire; use an objective of at least %s %%%s",
					o.Name, o.Objective, catalog.FormatDuration(o.Period), alertKind(worst.Severity), ratString(worstFactor),
					catalog.FormatDuration(worst.Long), ratString(new(big.Rat).Mul(ratio, big.NewRat(100, 1))),
					minObjective(worstFactor), maxPeriodHint(o, worst))
			}
		}
	},
}

func alertKind(severity string) string {
	if severity == conventions.SeverityCritical {
		return "page"
	}
	return "ticket"
}

// minObjective is the smallest objective, in hundredths of a percent, whose
// budget times factor stays below 1: objective > 100 × (1 − 1/factor).
func minObjective(factor *big.Rat) string {
	bound := new(big.Rat).Sub(big.NewRat(1, 1), new(big.Rat).Inv(factor))
	bound.Mul(bound, big.NewRat(10000, 1)) // hundredths of a percent
	n := new(big.Int).Quo(bound.Num(), bound.Denom())
	n.Add(n, big.NewInt(1)) // strictly above
	return new(big.Rat).SetFrac(n, big.NewInt(100)).FloatString(2)
}

// maxPeriodHint suggests the longest whole-day period (at least 7d) at which
// the objective works, if there is one.
func maxPeriodHint(o *catalog.SLO, a *catalog.BurnAlert) string {
	// factor × budget < 1 ⟺ period < long / (spent × budget).
	limit := new(big.Rat).Mul(a.BudgetSpent, o.ErrorBudget().Rat())
	limit.Inv(limit)
	limit.Mul(limit, new(big.Rat).SetInt64(int64(a.Long)))
	day := new(big.Rat).SetInt64(int64(catalog.Day))
	days := new(big.Int).Quo(new(big.Rat).Quo(limit, day).Num(), new(big.Rat).Quo(limit, day).Denom())
	if new(big.Rat).Mul(new(big.Rat).SetInt(days), day).Cmp(limit) == 0 {
		days.Sub(days, big.NewInt(1))
	}
	if days.Int64() < 7 {
		return ""
	}
	return ", or a period of at most " + days.String() + "d"
}

// ratString renders an exact rational with up to four decimals.
func ratString(r *big.Rat) string {
	s := r.FloatString(4)
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

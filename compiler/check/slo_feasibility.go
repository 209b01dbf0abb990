package check

import (
	"math/big"
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// A service fails whenever a hard dependency (synchronous, no fallback) does,
// so with independent failures it is available at most the product of their
// availabilities, and can promise at most the product of their objectives.
// Only catalog services have objectives; outside dependencies (databases,
// external APIs) and callees without an availability SLO are not counted,
// which makes the bound optimistic: a warning here is certain trouble.
var sloFeasibility = &Rule{
	ID:       "slo-feasibility",
	Doc:      "an availability objective must not exceed the product of its hard dependencies' availability objectives",
	Severity: diag.Warning,
	Run: func(p *Pass) {
		c := p.Catalog
		for _, s := range c.Services {
			type hard struct {
				d         *catalog.Dependency
				callee    *catalog.Service
				objective catalog.Percent
			}
			var deps []hard
			seen := map[*catalog.Service]bool{}
			for _, d := range s.Dependencies {
				callee := c.Callee(d)
				if !d.Hard() || callee == nil || callee == s || seen[callee] {
					continue
				}
				// Two dependencies on one service fail together: count it once.
				seen[callee] = true
				if o, ok := bestAvailability(callee); ok {
					deps = append(deps, hard{d, callee, o})
				}
			}
			if len(deps) == 0 {
				continue
			}
			product := big.NewRat(1, 1)
			var terms []string
			for _, h := range deps {
				product.Mul(product, ratio(h.objective))
				terms = append(terms, h.callee.Name+" "+h.objective.String()+"%")
			}
			for _, o := range s.SLOs {
				if o.Kind != catalog.SLOAvailability || ratio(o.Objective).Cmp(product) <= 0 {
					continue
				}
				bound := percentOf(product)
				f := p.Report(o.Sources.Pos("objective", o.Pos), s.Name,
					"SLO %s: objective %s%% is above %s%% (%s), the most %s can have while it fails whenever one of its hard dependencies fails; lower the objective to at most %s, or declare a fallback on a dependency (fallback: \"what %s does instead\") so that it no longer fails with it",
					o.Name, o.Objective, bound, strings.Join(terms, " × "), s.Name, bound, s.Name)
				for _, h := range deps {
					f.Related = append(f.Related, diag.Related{
						Pos:     h.d.Pos,
						Message: "hard dependency on " + h.callee.Name + " (availability objective " + h.objective.String() + "%, no fallback)",
					})
				}
			}
		}
	},
}

// bestAvailability returns the highest availability objective of s: the most
// it promises to any caller.
func bestAvailability(s *catalog.Service) (catalog.Percent, bool) {
	var best catalog.Percent
	found := false
	for _, o := range s.SLOs {
		if o.Kind == catalog.SLOAvailability && (!found || o.Objective.Cmp(best) > 0) {
			best, found = o.Objective, true
		}
	}
	return best, found
}

// ratio is an objective as an exact fraction: 99.95 → 9995/10000.
func ratio(p catalog.Percent) *big.Rat {
	r, _ := new(big.Rat).SetString(p.String())
	return r.Quo(r, big.NewRat(100, 1))
}

// percentOf renders a fraction as a percentage, rounded down to six places
// (so it never reads as high as an objective it is below).
func percentOf(r *big.Rat) string {
	scaled := new(big.Rat).Mul(r, big.NewRat(100*1_000_000, 1))
	units := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	p, err := catalog.ParsePercent(decimalString(units.Int64()))
	if err != nil {
		return scaled.FloatString(6)
	}
	return p.String()
}

// decimalString renders n millionths as a decimal: 99900025 → "99.900025".
func decimalString(n int64) string {
	s := big.NewInt(n).String()
	for len(s) < 7 {
		s = "0" + s
	}
	return s[:len(s)-6] + "." + s[len(s)-6:]
}

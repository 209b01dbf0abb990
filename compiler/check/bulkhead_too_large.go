package check

import "github.com/svcgen/svcgen/compiler/diag"

// bulkheadSlack is how far above the load at peak a bulkhead may be before
// it isolates nothing.
const bulkheadSlack = 10

// A bulkhead far above the load never fills, so it cannot keep a slow
// dependency from taking every thread or connection of the caller, which is
// all a bulkhead is for. Below one call in flight, the bound is one call:
// no bulkhead admits less.
var bulkheadTooLarge = &Rule{
	ID:       "bulkhead-too-large",
	Doc:      "a bulkhead's maxConcurrent more than 10× the calls in flight at peak (peak RPS × p99) isolates nothing",
	Severity: diag.Warning,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				load, ok := bulkheadLoad(d)
				if !ok || float64(d.Bulkhead.MaxConcurrent) <= bulkheadSlack*max(load, 1) {
					continue
				}
				f := p.Report(d.Sources.Pos("bulkhead.maxConcurrent", d.Pos), Subject(s, d),
					"dependency %s: bulkhead.maxConcurrent %d is more than %d× the calls in flight at peak, %s (Little's law): it never fills, so a slow %s could still take all of %s's capacity; lower it toward ceil(peak × p99 × 1.5) = %d, or leave it unset for that",
					d.Name, d.Bulkhead.MaxConcurrent, bulkheadSlack, describeLoad(d), d.Name, s.Name, littleSize(load))
				f.Related = trafficRelated(p.Catalog, d)
			}
		}
	},
}

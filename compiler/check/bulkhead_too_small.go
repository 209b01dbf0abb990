package check

import (
	"math"

	"github.com/svcgen/svcgen/compiler/diag"
)

// Little's law: at peak an edge has peak RPS × p99 calls in flight. A
// bulkhead that admits fewer cannot keep up: calls arrive faster than the
// admitted ones finish, so any queue fills and the bulkhead rejects normal
// traffic at every peak, which is an outage it causes itself.
var bulkheadTooSmall = &Rule{
	ID:       "bulkhead-too-small",
	Doc:      "a bulkhead's maxConcurrent must hold the calls in flight at peak (peak RPS × p99, Little's law) where traffic is declared",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				load, ok := bulkheadLoad(d)
				if !ok || float64(d.Bulkhead.MaxConcurrent) >= load {
					continue
				}
				hint := ""
				if !ownTraffic(d) {
					hint = " (the edge carries its callee's whole peak; if this caller sends only part of it, declare the edge's own traffic: {peakRPS, p99})"
				}
				f := p.Report(d.Sources.Pos("bulkhead.maxConcurrent", d.Pos), Subject(s, d),
					"dependency %s: bulkhead.maxConcurrent %d is below the calls in flight at peak, %s (Little's law), so the bulkhead would reject normal traffic at every peak; raise it to at least %d, or leave it unset for svcgen's ceil(peak × p99 × 1.5) = %d%s",
					d.Name, d.Bulkhead.MaxConcurrent, describeLoad(d), int(math.Ceil(load-1e-9)),
					littleSize(load), hint)
				f.Related = trafficRelated(p.Catalog, d)
			}
		}
	},
}

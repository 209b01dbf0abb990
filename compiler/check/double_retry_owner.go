package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// One owner retries an edge: retries.owner is a single value, and the Istio
// target writes a route with retries turned off (attempts: 0) for every edge
// the mesh does not own, which is also what keeps Istio's default retries
// from stacking on the generated client's. That route needs a host to hang
// on. An HTTP dependency without one (a database, cache or upload reached
// however the service's own configuration says) gets no route, so the
// caller's sidecar applies Istio's default policy to it, two retries on
// connect failures and 503s, under the client's own.
var doubleRetryOwner = &Rule{
	ID:       "double-retry-owner",
	Doc:      "the client and the mesh must not both retry one dependency (an HTTP dependency without a host gets Istio's default retries under the client's)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				if !clientRetries(d) || !meshRetriesByDefault(d) {
					continue
				}
				a := d.Retry.Attempts()
				fix := "set host so the mesh gets a route with its retries off"
				if d.Idempotent {
					fix += ", or retry.maxRetries: 0 to leave retrying to the mesh"
				}
				f := p.Report(d.Pos, Subject(s, d),
					"dependency %s: the client retries it (%d attempts), and as an HTTP dependency without a host it gets no VirtualService, so the caller's sidecar also retries each attempt by Istio's default policy (%d retries on connect failures and 503): up to %d requests per call; %s",
					d.Name, a, meshDefaultRetries, a*(1+meshDefaultRetries), fix)
				if pos := d.Sources.Pos("protocol", catalog.Pos{}); pos.IsValid() {
					f.Related = append(f.Related, diag.Related{Pos: pos, Message: "protocol HTTP set here"})
				}
				if pos := d.Sources.Pos("retry.maxRetries", catalog.Pos{}); pos.IsValid() {
					f.Related = append(f.Related, diag.Related{Pos: pos, Message: "client retries set here"})
				}
			}
		}
	},
}

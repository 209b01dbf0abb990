package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var meshRetryNonIdempotent = &Rule{
	ID:       "mesh-retry-non-idempotent",
	Doc:      "the mesh must not retry a non-idempotent dependency: it cannot see an Idempotency-Key and would repeat writes",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				if d.Idempotent || d.Retry.Owner != catalog.OwnerMesh || d.Retry.MaxRetries == 0 {
					continue
				}
				f := p.Report(d.Sources.Pos("retry.owner", d.Pos), "",
					"dependency %s: retry.owner is mesh but the dependency is not idempotent: the sidecar retries any failed request, so a timed-out write may be applied twice; set retry.owner: \"client\" (the generated client retries only requests that carry an Idempotency-Key), or retry.maxRetries: 0",
					d.Name)
				if pos := d.Sources.Pos("idempotent", catalog.Pos{}); pos.IsValid() {
					f.Related = []diag.Related{{Pos: pos, Message: "declared non-idempotent here"}}
				}
			}
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var meshRetryNeedsHTTP = &Rule{
	ID:       "mesh-retry-needs-http",
	Doc:      "the mesh can retry only dependencies its sidecars see as HTTP (not HTTPS, TLS or TCP)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				if meshSeesHTTP(d) || d.Retry.Owner != catalog.OwnerMesh || d.Retry.MaxRetries == 0 {
					continue
				}
				f := p.Report(d.Sources.Pos("retry.owner", d.Pos), "",
					"dependency %s: retry.owner is mesh but the sidecar sees protocol %s as opaque bytes and cannot retry a request, so nobody would retry it; set retry.owner: \"client\" (the generated client retries it), or retry.maxRetries: 0",
					d.Name, d.Protocol)
				if pos := d.Sources.Pos("protocol", catalog.Pos{}); pos.IsValid() {
					f.Related = []diag.Related{{Pos: pos, Message: "protocol set here"}}
				}
			}
		}
	},
}

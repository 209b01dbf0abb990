package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
)

var unknownDependency = &Rule{
	ID:       "unknown-dependency",
	Doc:      "an internal dependency must name a service of the catalog",
	Severity: diag.Error,
	Run: func(p *Pass) {
		var names []string
		for _, s := range p.Catalog.Services {
			names = append(names, s.Name)
		}
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				if d.Kind != catalog.KindInternal || p.Catalog.Service(d.Service) != nil {
					continue
				}
				p.Report(d.Sources.Pos("service", d.Pos), "",
					"dependency %s: no service %q in the catalog%s: declare it, or give the dependency a kind (external, database, cache, upload) and a host",
					d.Name, d.Service, suggest.DidYouMean(d.Service, names))
			}
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var selfDependency = &Rule{
	ID:       "self-dependency",
	Doc:      "a service must not declare itself as a dependency",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				if d.Kind == catalog.KindInternal && d.Service == s.Name {
					p.Report(d.Pos, "", "dependency %s: service %s calls itself: a call to itself is not an edge of the call graph; remove it", d.Name, s.Name)
				}
			}
		}
	},
}

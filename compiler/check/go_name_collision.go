package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/conventions"
)

// goNameCollision refuses what the Go emitter cannot generate: the package of
// a calling service names each dependency's Policy function and constructors
// after conventions.GoIdentifier of the dependency, and two dependencies with the
// same identifier would declare them twice.
var goNameCollision = &Rule{
	ID:       "go-name-collision",
	Doc:      "two dependencies of a service must not map to the same Go identifier in its generated client package",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			first := map[string]*catalog.Dependency{}
			for _, d := range s.Dependencies {
				id := conventions.GoIdentifier(d.Name)
				prev, taken := first[id]
				if !taken {
					first[id] = d
					continue
				}
				p.Report(d.Pos, "", "dependency %s: its generated Go name %s is also that of dependency %s of service %s "+
					"(the generated package would declare %sPolicy twice); rename one of them",
					d.Name, id, prev.Name, s.Name, id).Related = []diag.Related{{Pos: prev.Pos, Message: "dependency " + prev.Name + " is declared here"}}
			}
		}
	},
}

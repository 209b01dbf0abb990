package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
)

var unknownTeam = &Rule{
	ID:       "unknown-team",
	Doc:      "a service's team must be declared under teams (its alerts route to that team)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		names := teamNames(p.Catalog)
		for _, s := range p.Catalog.Services {
			if p.Catalog.Team(s.Team) == nil {
				p.Report(s.Sources.Pos("team", s.Pos), "", "team: %q is not declared under teams%s: declare it or use one of %s",
					s.Team, suggest.DidYouMean(s.Team, names), list(names))
			}
		}
	},
}

func teamNames(c *catalog.Catalog) []string {
	out := make([]string, len(c.Teams))
	for i, t := range c.Teams {
		out[i] = t.Name
	}
	return out
}

func list(names []string) string {
	if len(names) == 0 {
		return "(none declared)"
	}
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

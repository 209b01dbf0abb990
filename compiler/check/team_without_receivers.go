package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
)

var teamWithoutReceivers = &Rule{
	ID:       "team-without-receivers",
	Doc:      "a team that owns services needs at least one receiver, or its alerts reach nobody",
	Severity: diag.Error,
	Run: func(p *Pass) {
		owns := map[string]int{}
		for _, s := range p.Catalog.Services {
			owns[s.Team]++
		}
		for _, t := range p.Catalog.Teams {
			if owns[t.Name] > 0 && len(t.Kinds()) == 0 {
				p.Report(t.Pos, "", "team %s owns %d service(s) but has no receivers: add receivers (slack, pagerduty, email, webhook or opsgenie)", t.Name, owns[t.Name])
			}
		}
	},
}

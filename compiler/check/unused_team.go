package check

import "github.com/svcgen/svcgen/compiler/diag"

// A team no service names and no default route uses receives no alert: its
// receivers are dead configuration, usually a team renamed in one place
// only, or a service given the wrong team.
var unusedTeam = &Rule{
	ID:       "unused-team",
	Doc:      "a team should own a service or be the default receiver's team",
	Severity: diag.Warning,
	Run: func(p *Pass) {
		c := p.Catalog
		owns := map[string]bool{}
		for _, s := range c.Services {
			owns[s.Team] = true
		}
		for _, t := range c.Teams {
			if owns[t.Name] || t.Name == c.Settings.Alerting.DefaultTeam {
				continue
			}
			p.Report(t.Pos, "", "team %s owns no service and is not the default receiver's team, so no alert ever reaches it: give it a service (team: %q), or remove it", t.Name, t.Name)
		}
	},
}

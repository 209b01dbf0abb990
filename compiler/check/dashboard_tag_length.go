package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/conventions"
)

// dashboardTagLength refuses what Grafana refuses: the dashboards of a
// team's services are tagged team:<name>, and Grafana stores tags of at
// most 50 bytes (12.4 and later refuse a longer one with an error; older
// versions fail on MySQL and PostgreSQL).
var dashboardTagLength = &Rule{
	ID:       "dashboard-tag-length",
	Doc:      "a team name must fit Grafana's 50-byte dashboard tags as team:<name>",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, t := range p.Catalog.Teams {
			tag := conventions.DashboardTeamTag(t.Name)
			if len(tag) <= conventions.DashboardTagMaxLen {
				continue
			}
			p.Report(t.Pos, "", "team %s: its services' Grafana dashboards are tagged %q, %d bytes, and Grafana stores tags of at most %d; "+
				"shorten the team name to at most %d characters",
				t.Name, tag, len(tag), conventions.DashboardTagMaxLen, conventions.DashboardTagMaxLen-(len(tag)-len(t.Name)))
		}
	},
}

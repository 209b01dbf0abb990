package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/conventions"
)

// dashboardUIDUnique refuses a service whose Grafana dashboard would take
// another dashboard's uid: Grafana keeps one dashboard per uid, so one of the
// two would silently replace the other, and the alerts of one service would
// link to the other's. A service called slo-overview would take the SLO
// overview's uid (and its file, grafana/slo-overview.json); two long names
// could in principle share a shortened uid.
var dashboardUIDUnique = &Rule{
	ID:       "dashboard-uid-unique",
	Doc:      "every service's Grafana dashboard uid must differ from the SLO overview's and from every other service's",
	Severity: diag.Error,
	Run: func(p *Pass) {
		owner := map[string]*catalog.Service{}
		for _, s := range p.Catalog.Services {
			uid := conventions.DashboardUID(s.Name)
			if uid == conventions.OverviewDashboardUID {
				p.Report(s.Pos, "", "service %s: its Grafana dashboard uid %s is the SLO overview's, and so is its file; rename the service",
					s.Name, uid)
				continue
			}
			if prev, taken := owner[uid]; taken {
				p.Report(s.Pos, "", "service %s: its Grafana dashboard uid %s is also that of service %s; rename one of them",
					s.Name, uid, prev.Name).Related = []diag.Related{{Pos: prev.Pos, Message: "service " + prev.Name + " is declared here"}}
				continue
			}
			owner[uid] = s
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var criticalWithoutPager = &Rule{
	ID:       "critical-without-pager",
	Doc:      "a critical-tier service's team needs a paging receiver (pagerduty, opsgenie or webhook)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			t := p.Catalog.Team(s.Team)
			if s.Tier != catalog.TierCritical || t == nil || t.Page != "" {
				continue
			}
			d := p.Report(s.Sources.Pos("tier", s.Pos), s.Name,
				"service %s is tier critical, but team %s has no paging receiver, so nobody is paged when it fails: "+
					"add teams: %s: receivers: pagerduty: routingKeyFile (or opsgenie: apiKeyFile, webhook: urlFile), or lower the tier",
				s.Name, t.Name, t.Name)
			d.Related = append(d.Related, diag.Related{Pos: t.Pos, Message: "team " + t.Name + " is declared here"})
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var criticalSingleReplica = &Rule{
	ID:       "critical-single-replica",
	Doc:      "a critical-tier service should run at least 2 replicas, so that one pod lost is not an outage",
	Severity: diag.Warning,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			if s.Tier == catalog.TierCritical && s.Replicas.Min < 2 {
				p.Report(s.Sources.Pos("replicas.min", s.Pos), s.Name,
					"replicas: critical-tier %s runs %d replica at its fewest, so a node drain, a crash or a rollout takes it down: set replicas.min to at least 2",
					s.Name, s.Replicas.Min)
			}
		}
	},
}

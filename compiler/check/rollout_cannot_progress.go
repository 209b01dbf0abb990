package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
)

var rolloutCannotProgress = &Rule{
	ID:       "rollout-cannot-progress",
	Doc:      "deploy.maxSurge and deploy.maxUnavailable must not both be 0, and maxUnavailable must not exceed 100%",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			d := s.Deploy
			src := s.Sources
			if d.MaxUnavailable.Percent && d.MaxUnavailable.Value > 100 {
				p.Report(src.Pos("deploy.maxUnavailable", s.Pos), "",
					"deploy: maxUnavailable %s is more than 100%% of the pods (Kubernetes refuses it): lower it to at most 100%%", d.MaxUnavailable)
			}
			if d.MaxSurge.IsZero() && d.MaxUnavailable.IsZero() {
				// Point at whichever of the two the user wrote.
				pos := src.Pos("deploy.maxSurge", src.Pos("deploy.maxUnavailable", s.Pos))
				p.Report(pos, "",
					"deploy: maxSurge and maxUnavailable are both 0, so a rolling update could neither add a pod nor take one down (Kubernetes refuses it): set maxSurge: 1 to roll out without losing capacity")
			}
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
)

var replicasRange = &Rule{
	ID:       "replicas-range",
	Doc:      "replicas.min must not be above replicas.max (the autoscaler's range)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			r := s.Replicas
			if r.Min > r.Max {
				pos := s.Sources.Pos("replicas.max", s.Sources.Pos("replicas.min", s.Pos))
				p.Report(pos, "", "replicas: min %d is above max %d, so the autoscaler has no range (Kubernetes refuses it): raise max to at least %d or lower min",
					r.Min, r.Max, r.Min)
			}
		}
	},
}

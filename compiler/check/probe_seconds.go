package check

import (
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var probeSeconds = &Rule{
	ID:       "probe-seconds",
	Doc:      "probe delays and periods are whole seconds, the period at least 1s (Kubernetes counts them in seconds)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, pr := range []struct {
				name  string
				probe catalog.Probe
			}{{"liveness", s.Probes.Liveness}, {"readiness", s.Probes.Readiness}} {
				for _, f := range []struct {
					field string
					d     time.Duration
					min   time.Duration
				}{{"initialDelay", pr.probe.InitialDelay, 0}, {"period", pr.probe.Period, time.Second}} {
					key := "probes." + pr.name + "." + f.field
					pos := s.Sources.Pos(key, s.Pos)
					switch {
					case f.d%time.Second != 0:
						fix := catalog.FormatDuration(f.d.Truncate(time.Second) + time.Second)
						if down := f.d.Truncate(time.Second); down >= f.min {
							fix = catalog.FormatDuration(down) + " or " + fix
						}
						p.Report(pos, "", "%s: %s is not a whole number of seconds, and Kubernetes counts probe timings in seconds: write %s",
							key, catalog.FormatDuration(f.d), fix)
					case f.d < f.min:
						p.Report(pos, "", "%s: %s is shorter than %s, the shortest probe period Kubernetes accepts", key, catalog.FormatDuration(f.d), catalog.FormatDuration(f.min))
					}
				}
			}
		}
	},
}

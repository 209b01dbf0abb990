package check

import (
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var meshDuration = &Rule{
	ID:       "mesh-duration",
	Doc:      "a duration the mesh enforces must be a whole number of milliseconds, at least 1ms (Istio refuses others)",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				for _, f := range meshDurations(d) {
					if f.v >= time.Millisecond && f.v%time.Millisecond == 0 {
						continue
					}
					p.Report(d.Sources.Pos(f.key, d.Pos), "",
						"dependency %s: %s is %s, which Istio refuses (it takes whole milliseconds, at least 1ms); write %s",
						d.Name, f.key, catalog.FormatDuration(f.v), catalog.FormatDuration(max(f.v.Round(time.Millisecond), time.Millisecond)))
				}
			}
		}
	},
}

type meshField struct {
	key string
	v   time.Duration
}

// meshDurations are the fields of d the Istio target writes as durations:
// the connect timeout and the ejection time, the route's timeout where the
// sidecar sees HTTP (one try's, or the total and each try's where the mesh
// retries), and the retry backoff base (0 keeps Envoy's own and is not
// written).
func meshDurations(d *catalog.Dependency) []meshField {
	if !meshObjects(d) {
		return nil
	}
	out := []meshField{{"timeout.connect", d.Timeout.Connect}, {"breaker.openFor", d.Breaker.OpenFor}}
	if meshSeesHTTP(d) {
		out = append(out, meshField{"timeout.perTry", d.Timeout.PerTry})
	}
	if meshRetries(d) {
		out = append(out, meshField{"timeout.total", d.Timeout.Total})
		if d.Retry.InitialBackoff != 0 {
			out = append(out, meshField{"retry.initialBackoff", d.Retry.InitialBackoff})
		}
	}
	return out
}

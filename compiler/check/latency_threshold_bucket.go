package check

import (
	"strconv"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// A latency SLI counts the requests in the histogram bucket at the threshold.
// A threshold between two bounds has no bucket: Prometheus would either find
// no series or, with a rounded bound, count the wrong requests as good. Not
// suppressible: a silently wrong SLI is worse than none.
var latencyThresholdBucket = &Rule{
	ID:       "latency-threshold-bucket",
	Doc:      "a latency SLO's threshold must be one of settings.metrics.buckets",
	Severity: diag.Error,
	Run: func(p *Pass) {
		m := p.Catalog.Settings.Metrics
		for _, s := range p.Catalog.Services {
			for _, o := range s.SLOs {
				if o.Kind != catalog.SLOLatency || o.SLI != nil {
					continue
				}
				th := float64(o.Threshold) / float64(time.Second)
				below, above := -1.0, -1.0
				found := false
				for _, b := range m.Buckets {
					switch {
					case b == th:
						found = true
					case b < th:
						below = b
					case above < 0:
						above = b
					}
				}
				if found {
					continue
				}
				var near []string
				for _, b := range []float64{below, above} {
					if b > 0 {
						near = append(near, catalog.FormatDuration(time.Duration(b*float64(time.Second))))
					}
				}
				p.Report(o.Sources.Pos("threshold", o.Pos), "",
					"SLO %s: threshold %s is not a bucket bound of %s (buckets, in seconds: %s): the SLI counts the requests in the bucket at the threshold; use %s, or add %s to settings.metrics.buckets (and to the service's histogram)",
					o.Name, catalog.FormatDuration(o.Threshold), m.Duration, bucketList(m.Buckets), orList(near),
					strconv.FormatFloat(th, 'g', -1, 64))
			}
		}
	},
}

func bucketList(bs []float64) string {
	s := ""
	for i, b := range bs {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(b, 'g', -1, 64)
	}
	return s
}

// orList joins alternatives: "a", "a or b".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return "a declared bound"
	case 1:
		return xs[0]
	}
	return xs[0] + " or " + xs[1]
}

package check

import (
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/svcgen/svcgen/compiler/diag"
)

var resourceQuantities = &Rule{
	ID:       "resource-quantities",
	Doc:      "resources must be Kubernetes quantities (\"250m\", \"512Mi\"), with each request at most its limit",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			r := s.Resources
			parsed := map[string]resource.Quantity{}
			for _, q := range []struct{ key, value, example string }{
				{"resources.requests.cpu", r.Requests.CPU, `"250m" or "1"`},
				{"resources.requests.memory", r.Requests.Memory, `"256Mi" or "1Gi"`},
				{"resources.limits.cpu", r.Limits.CPU, `"250m" or "1"`},
				{"resources.limits.memory", r.Limits.Memory, `"256Mi" or "1Gi"`},
			} {
				pos := s.Sources.Pos(q.key, s.Pos)
				v, err := resource.ParseQuantity(q.value)
				switch {
				case err != nil:
					p.Report(pos, "", "%s: %q is not a Kubernetes quantity: write it like %s", q.key, q.value, q.example)
				case v.Sign() <= 0:
					p.Report(pos, "", "%s: %q must be more than 0", q.key, q.value)
				default:
					parsed[q.key] = v
				}
			}
			for _, res := range []string{"cpu", "memory"} {
				req, okReq := parsed["resources.requests."+res]
				lim, okLim := parsed["resources.limits."+res]
				if okReq && okLim && req.Cmp(lim) > 0 {
					key := "resources.requests." + res
					if _, user := s.Sources[key]; !user || s.Sources[key].Default != "" {
						key = "resources.limits." + res
					}
					p.Report(s.Sources.Pos(key, s.Pos), "", "resources: the %s request %s is above its limit %s (Kubernetes refuses it): raise the limit or lower the request",
						res, req.String(), lim.String())
				}
			}
		}
	},
}

package check

import (
	"strings"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/conventions"
)

// The Istio target gives every host one VirtualService and one host-level
// DestinationRule, merging what every caller declares: per-caller routes
// matched on the caller's pod labels, per-caller DestinationRules selected by
// them. Two declarations it cannot merge would need two VirtualServices for
// one host, of which Istio silently applies one.
var meshHostConflict = &Rule{
	ID:       "mesh-host-conflict",
	Doc:      "declarations of one host must merge into one VirtualService: same port and protocol, one policy per caller, never a catalog service's own host",
	Severity: diag.Error,
	Run: func(p *Pass) {
		c := p.Catalog
		internal := map[string]*catalog.Service{}
		for _, s := range c.Services {
			internal[conventions.Host(s.Name, c.Settings.Namespace)] = s
		}
		type decl struct {
			s *catalog.Service
			d *catalog.Dependency
		}
		first := map[string]decl{} // outside host → its first declaration
		for _, s := range c.Services {
			byHost := map[string]*catalog.Dependency{} // this caller's first dependency per host
			for _, d := range s.Dependencies {
				host := d.Host
				if d.Kind == catalog.KindInternal {
					host = conventions.Host(d.Service, c.Settings.Namespace)
				} else if host == "" {
					continue
				}
				if d.Kind != catalog.KindInternal {
					if callee := internal[host]; callee != nil {
						p.Report(d.Sources.Pos("host", d.Pos), "",
							"dependency %s: host %s is catalog service %s's own host, which already has its VirtualService and DestinationRule; declare the dependency as %s: {} (kind internal) instead",
							d.Name, host, callee.Name, callee.Name)
						continue
					}
					if f, ok := first[host]; !ok {
						first[host] = decl{s, d}
					} else if f.d.Port != d.Port || f.d.Protocol != d.Protocol {
						field := "port"
						if f.d.Port == d.Port {
							field = "protocol"
						}
						r := p.Report(d.Sources.Pos(field, d.Pos), "",
							"dependency %s: host %s is declared on port %d (%s) here but on port %d (%s) by %s.%s: the mesh keeps one ServiceEntry and one policy per host; declare the same port and protocol",
							d.Name, host, d.Port, d.Protocol, f.d.Port, f.d.Protocol, f.s.Name, f.d.Name)
						r.Related = []diag.Related{{Pos: f.d.Sources.Pos(field, f.d.Pos), Message: "first declared here"}}
						continue
					}
				}
				prev, ok := byHost[host]
				if !ok {
					byHost[host] = d
					continue
				}
				if diff := meshDifferences(prev, d); len(diff) > 0 {
					r := p.Report(d.Pos, "",
						"dependencies %s and %s of %s both call %s with a different %s: sidecars tell callers apart by their pods' labels, not by dependency, so the mesh can apply only one policy; give both the same policy, or declare one dependency",
						prev.Name, d.Name, s.Name, host, strings.Join(diff, ", "))
					r.Related = []diag.Related{{Pos: prev.Pos, Message: "dependency " + prev.Name + " declared here"}}
				}
			}
		}
	},
}

// meshView is what the mesh enforces of an edge: a DestinationRule's pool
// (connect timeout, bulkhead) and outlier detection (breaker), and, where the
// sidecar sees HTTP, a route's timeout and retries. Values the mesh does not
// read (the client's backoff shape, half-open calls, slow calls) are left
// out, so two dependencies that differ only there are no conflict.
type meshView struct {
	connect     time.Duration
	bulkhead    catalog.Bulkhead
	window      catalog.BreakerWindow
	failures    int
	failureRate catalog.Percent
	minCalls    int
	openFor     time.Duration
	http        bool
	meshRetries bool
	perTry      time.Duration
	total       time.Duration
	maxRetries  int
	backoff     time.Duration
}

func viewOf(d *catalog.Dependency) meshView {
	v := meshView{
		connect:  d.Timeout.Connect,
		bulkhead: d.Bulkhead,
		window:   d.Breaker.Window,
		failures: d.Breaker.Failures,
		openFor:  d.Breaker.OpenFor,
		http:     meshSeesHTTP(d),
	}
	v.bulkhead.MaxWait = 0 // Envoy's queue has no wait of its own
	if v.window == catalog.WindowTime {
		v.failureRate, v.minCalls = d.Breaker.FailureRate, d.Breaker.MinCalls
	}
	if !v.http {
		return v
	}
	v.meshRetries = meshRetries(d)
	v.perTry = d.Timeout.PerTry
	if v.meshRetries {
		v.total, v.maxRetries, v.backoff = d.Timeout.Total, d.Retry.MaxRetries, d.Retry.InitialBackoff
	}
	return v
}

// meshDifferences names the policies of a and b the mesh would enforce
// differently.
func meshDifferences(a, b *catalog.Dependency) []string {
	va, vb := viewOf(a), viewOf(b)
	var out []string
	if va.connect != vb.connect || va.perTry != vb.perTry || va.total != vb.total {
		out = append(out, "timeout")
	}
	if va.meshRetries != vb.meshRetries || va.maxRetries != vb.maxRetries || va.backoff != vb.backoff {
		out = append(out, "retry (owner, idempotency or count)")
	}
	if va.window != vb.window || va.failures != vb.failures || va.failureRate != vb.failureRate || va.minCalls != vb.minCalls || va.openFor != vb.openFor {
		out = append(out, "breaker")
	}
	if va.bulkhead != vb.bulkhead {
		out = append(out, "bulkhead")
	}
	return out
}

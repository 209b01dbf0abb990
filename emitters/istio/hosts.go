package istio

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
)

// host is one destination the mesh gets objects for: a catalog service's own
// host, or a host outside the catalog (external, database, cache, upload)
// that one or more services declare. All objects of one host live in one
// file, so that whoever debugs a host reads one file.
type host struct {
	FQDN string
	// Callee is the catalog service of an internal host; nil otherwise.
	Callee *catalog.Service
	// Owner is the service whose file holds the host's objects: the callee,
	// or the first service (by name) that declares the outside host.
	Owner *catalog.Service
	// Name is the name of the host-level objects.
	Name string
	// Port and Protocol address an outside host (every declaration agrees:
	// the compiler's mesh-host-conflict rule).
	Port     int
	Protocol string
	// Edges are the calls into the host, one per caller, sorted by caller.
	Edges []catalog.Edge
}

// Internal reports whether the host is a catalog service's.
func (h *host) Internal() bool { return h.Callee != nil }

// HTTP reports whether sidecars see the host's requests (routes apply).
func (h *host) HTTP() bool { return h.Internal() || h.Protocol == "HTTP" }

// NeedsServiceEntry reports whether the mesh must be told about the host: it
// is neither a catalog service nor another Kubernetes Service of the cluster.
func (h *host) NeedsServiceEntry() bool { return !h.Internal() && !InCluster(h.FQDN) }

// hosts lists every host of the catalog with the file it belongs to, in file
// order: each service's own host, then the outside hosts it is the first
// caller of, by dependency name.
func hosts(c *catalog.Catalog) []*host {
	ns := c.Settings.Namespace
	var out []*host
	outside := map[string]*host{}
	for _, s := range c.Services {
		out = append(out, &host{
			FQDN:   conventions.Host(s.Name, ns),
			Callee: s,
			Owner:  s,
			Name:   HostObjectName(s.Name),
			Edges:  onePerCaller(c.Callers(s.Name)),
		})
		for _, d := range s.Dependencies {
			// A database or cache without a host is reached however the
			// service's own configuration says; the mesh has nothing to
			// attach a policy to.
			if d.Kind == catalog.KindInternal || d.Host == "" {
				continue
			}
			h, ok := outside[d.Host]
			if !ok {
				h = &host{
					FQDN:     d.Host,
					Owner:    s,
					Name:     DependencyObjectName(s.Name, d.Name),
					Port:     d.Port,
					Protocol: d.Protocol,
				}
				outside[d.Host] = h
				out = append(out, h)
			}
			h.Edges = append(h.Edges, catalog.Edge{Caller: s, Dep: d})
		}
	}
	for _, h := range out {
		if !h.Internal() {
			h.Edges = onePerCaller(h.Edges)
		}
	}
	return out
}

// onePerCaller keeps the first edge of each caller. Sidecars tell callers
// apart by their pods' labels, not by which of a caller's dependencies a
// request belongs to; the compiler refuses a caller that reaches one host
// through two dependencies with different policies, so the first stands for
// all of them. Edges arrive sorted by caller, then dependency.
func onePerCaller(edges []catalog.Edge) []catalog.Edge {
	var out []catalog.Edge
	for _, e := range edges {
		if n := len(out); n > 0 && out[n-1].Caller == e.Caller {
			continue
		}
		out = append(out, e)
	}
	return out
}

// split picks the policy most of a host's callers share, which the
// host-level object carries (and so also callers outside the catalog get),
// and returns the edges whose policy differs, each of which gets an object
// of its own. Ties go to the policy of the caller first by name, so the
// choice is stable.
func split[P comparable](edges []catalog.Edge, policy func(*catalog.Dependency) P) (def P, exceptions []catalog.Edge) {
	count := map[P]int{}
	var order []P
	for _, e := range edges {
		p := policy(e.Dep)
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
	}
	for i, p := range order {
		if i == 0 || count[p] > count[def] {
			def = p
		}
	}
	for _, e := range edges {
		if policy(e.Dep) != def {
			exceptions = append(exceptions, e)
		}
	}
	return def, exceptions
}

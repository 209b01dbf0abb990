package check

import (
	"sort"

	"github.com/svcgen/svcgen/catalog"
)

// The synchronous call graph, for the rules that follow calls through the
// catalog (timeout-hierarchy, retry-amplification, synchronous-cycle): its
// nodes are catalog services, its edges the synchronous internal
// dependencies whose callee exists and is not the caller itself (a dangling
// name and a self-call have rules of their own).

// syncCallee returns the catalog service a synchronous dependency of s calls,
// or nil when the dependency is not such an edge of the graph.
func syncCallee(c *catalog.Catalog, s *catalog.Service, d *catalog.Dependency) *catalog.Service {
	if !d.Synchronous() {
		return nil
	}
	callee := c.Callee(d)
	if callee == nil || callee == s {
		return nil
	}
	return callee
}

// components are the strongly connected components of the synchronous call
// graph: services that call one another round a loop share one.
type components struct {
	// of maps each service to its component's index.
	of map[*catalog.Service]int
	// members lists each component's services in name order. Components
	// come callees first: every component any service of components[i]
	// calls has an index below i.
	members [][]*catalog.Service
}

// sccs computes the components with Tarjan's algorithm, which emits each
// component after every component it reaches: the order the rules that fold
// values up from callees need. Services and dependencies are visited in name
// order, so the result is the same on every run.
func sccs(c *catalog.Catalog) components {
	type state struct{ index, low int }
	st := make(map[*catalog.Service]*state, len(c.Services))
	out := components{of: make(map[*catalog.Service]int, len(c.Services))}
	var stack []*catalog.Service
	onStack := map[*catalog.Service]bool{}
	next := 0

	// The depth of a call chain bounds the recursion; Go grows the stack,
	// so a chain of thousands of services is fine.
	var visit func(s *catalog.Service)
	visit = func(s *catalog.Service) {
		v := &state{index: next, low: next}
		st[s] = v
		next++
		stack = append(stack, s)
		onStack[s] = true
		for _, d := range s.Dependencies {
			callee := syncCallee(c, s, d)
			if callee == nil {
				continue
			}
			if w, seen := st[callee]; !seen {
				visit(callee)
				v.low = min(v.low, st[callee].low)
			} else if onStack[callee] {
				v.low = min(v.low, w.index)
			}
		}
		if v.low != v.index {
			return
		}
		var members []*catalog.Service
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			out.of[top] = len(out.members)
			members = append(members, top)
			if top == s {
				break
			}
		}
		sortServices(members)
		out.members = append(out.members, members)
	}
	for _, s := range c.Services {
		if _, seen := st[s]; !seen {
			visit(s)
		}
	}
	return out
}

// same reports whether a and b are in one component (call each other, maybe
// through others).
func (cs components) same(a, b *catalog.Service) bool { return cs.of[a] == cs.of[b] }

func sortServices(ss []*catalog.Service) {
	sort.Slice(ss, func(i, j int) bool { return ss[i].Name < ss[j].Name })
}

// hopName names where a dependency goes in a printed path: the callee's name
// for a catalog service, else the dependency's own name.
func hopName(d *catalog.Dependency) string {
	if d.Kind == catalog.KindInternal {
		return d.Service
	}
	return d.Name
}

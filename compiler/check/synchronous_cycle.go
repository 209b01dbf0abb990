package check

import (
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// A loop of synchronous calls has no bottom: a request can end up waiting on
// itself, no timeout along the loop can exceed the next one's (the timeout
// hierarchy has nowhere to end), and retries multiply on every lap.
var synchronousCycle = &Rule{
	ID:       "synchronous-cycle",
	Doc:      "services must not call one another synchronously in a loop",
	Severity: diag.Error,
	Run: func(p *Pass) {
		c := p.Catalog
		cs := sccs(c)
		for _, members := range cs.members {
			if len(members) < 2 {
				continue
			}
			// One cycle per component: the shortest through its first
			// service by name. Breaking it may leave another loop of the
			// component, which the next run reports.
			hops := shortestCycle(c, cs, members[0])
			var names []string
			for _, h := range hops {
				names = append(names, h.Caller.Name)
			}
			names = append(names, members[0].Name)
			msg := "synchronous call cycle " + strings.Join(names, " → ") +
				": a request can end up waiting on itself, no timeout of the loop can outlast the next, and retries multiply on every lap; make one of these calls asynchronous (profile: \"async\") or remove it"
			if len(members) > len(hops) {
				var all []string
				for _, m := range members {
					all = append(all, m.Name)
				}
				msg += " (" + list(all) + " all call one another through loops like it)"
			}
			first := hops[0]
			f := p.Report(first.Dep.Pos, Subject(first.Caller, first.Dep), "%s", msg)
			for _, h := range hops[1:] {
				f.Edges = append(f.Edges, Subject(h.Caller, h.Dep))
				f.Related = append(f.Related, diag.Related{Pos: h.Dep.Pos, Message: h.Caller.Name + " calls " + h.Dep.Service + " here"})
			}
		}
	},
}

// shortestCycle returns the edges of a shortest loop from start back to
// start within its component, by breadth-first search in dependency order.
func shortestCycle(c *catalog.Catalog, cs components, start *catalog.Service) []catalog.Edge {
	prev := map[*catalog.Service]catalog.Edge{}
	queue := []*catalog.Service{start}
	seen := map[*catalog.Service]bool{start: true}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, d := range s.Dependencies {
			callee := syncCallee(c, s, d)
			if callee == nil || !cs.same(callee, start) {
				continue
			}
			if callee == start {
				hops := []catalog.Edge{{Caller: s, Dep: d}}
				for at := s; at != start; {
					e := prev[at]
					hops = append(hops, e)
					at = e.Caller
				}
				for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
					hops[i], hops[j] = hops[j], hops[i]
				}
				return hops
			}
			if !seen[callee] {
				seen[callee] = true
				prev[callee] = catalog.Edge{Caller: s, Dep: d}
				queue = append(queue, callee)
			}
		}
	}
	return nil // unreachable: start is in a component of two or more
}

package check

import (
	"slices"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// The seed's hierarchy (client > gateway > service > database): each layer
// waits longer for one attempt than the layer below may take in all, so the
// lower layer times out first and answers with an error the upper one can
// act on. Inverted, the caller abandons an attempt the callee is still
// working on, and its retry piles a second request on top of the first.
var timeoutHierarchy = &Rule{
	ID:       "timeout-hierarchy",
	Doc:      "a caller's per-try timeout to a service must exceed that service's longest total timeout to its own synchronous dependencies",
	Severity: diag.Error,
	Run: func(p *Pass) {
		c := p.Catalog
		cs := sccs(c)
		for _, s := range c.Services {
			for _, d := range s.Dependencies {
				// Round a loop no hierarchy can hold (each timeout would
				// have to exceed itself): synchronous-cycle reports the loop.
				callee := syncCallee(c, s, d)
				if callee == nil || cs.same(s, callee) {
					continue
				}
				inner := longestTotal(callee)
				if inner == nil || d.Timeout.PerTry > inner.Timeout.Total {
					continue
				}
				// Every call of the callee's that may outlast one attempt.
				var over, edges []string
				var related []diag.Related
				for _, e := range callee.Dependencies {
					if !e.Synchronous() || e.Timeout.Total < d.Timeout.PerTry {
						continue
					}
					hop := callee.Name + " → " + hopName(e)
					over = append(over, hop)
					edges = append(edges, Subject(callee, e))
					related = append(related, diag.Related{
						Pos:     origin(e.Sources, "timeout.total", e.Pos),
						Message: "total timeout of " + hop + " (" + catalog.FormatDuration(e.Timeout.Total) + ")",
					})
				}
				// A derived per-try timeout follows from a value the catalog
				// wrote elsewhere (a retry count, a total, a caller's per-try):
				// that is the one to change.
				if src := d.Sources["timeout.perTry"]; src.Default != "" && src.Pos.IsValid() && !slices.ContainsFunc(related, func(r diag.Related) bool { return r.Pos == src.Pos }) {
					related = append(related, diag.Related{
						Pos:     src.Pos,
						Message: "the per-try timeout of " + s.Name + " → " + callee.Name + " (" + catalog.FormatDuration(d.Timeout.PerTry) + ") is derived within the value written here",
					})
				}
				f := p.Report(d.Sources.Pos("timeout.perTry", d.Pos), Subject(s, d),
					"dependency %s: per-try timeout %s is not above %s, the total timeout of %s → %s: %s abandons an attempt %s may still be working on, and a retry piles another on top; raise timeout.perTry above %s (and timeout.total to fit the attempts), or lower the %s of %s below %s",
					d.Name, catalog.FormatDuration(d.Timeout.PerTry), catalog.FormatDuration(inner.Timeout.Total),
					callee.Name, hopName(inner), s.Name, callee.Name, catalog.FormatDuration(inner.Timeout.Total),
					plural(len(over), "total timeout", "total timeouts"), list(over), catalog.FormatDuration(d.Timeout.PerTry))
				f.Related = related
				f.Edges = edges
			}
		}
	},
}

// longestTotal returns the synchronous dependency of s with the longest total
// timeout (the first by name among equals), or nil when s waits on none.
func longestTotal(s *catalog.Service) *catalog.Dependency {
	var out *catalog.Dependency
	for _, d := range s.Dependencies {
		if d.Synchronous() && (out == nil || d.Timeout.Total > out.Timeout.Total) {
			out = d
		}
	}
	return out
}

// origin returns where a value came from: where the catalog wrote it, or for
// a derived value where the catalog wrote what it was derived from; fallback
// when neither is known.
func origin(src catalog.Sources, field string, fallback catalog.Pos) catalog.Pos {
	if s, ok := src[field]; ok && s.Pos.IsValid() {
		return s.Pos
	}
	return fallback
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// Retries multiply down a call path: when the bottom fails, a request to the
// top becomes the product of every hop's attempts at the bottom, just when
// it can least take them (the seed's retry storm). The rule bounds the
// product by settings.vet.retryAmplification.
//
// Paths are not enumerated (a layered catalog has exponentially many). For
// each service the worst product of the paths below it is folded up from its
// callees once, callees first (memoized per service), and for each service
// the worst product of the paths from an entry point down to it likewise,
// callers first. A path is reported at the hop from which the product below
// first exceeds the limit (the tipping hop: the product from its callee down
// is within the limit, from the hop down it is not): lowering retries above
// that hop cannot fix the path, and each tipping hop is reported once, with
// the worst whole path through it. The cost is linear in the catalog's
// edges. Calls round a loop (synchronous-cycle) are counted as last hops.
var retryAmplification = &Rule{
	ID:       "retry-amplification",
	Doc:      "the product of attempts along any synchronous call path must stay within settings.vet.retryAmplification",
	Severity: diag.Error,
	Run: func(p *Pass) {
		c := p.Catalog
		limit := c.Settings.Vet.RetryAmplification
		if limit < 1 {
			return // the schema refuses it; an unset limit checks nothing
		}
		cs := sccs(c)

		// below[s]: the worst product of attempts from s down, and the
		// first hop of that path (nil when s waits on nothing).
		type down struct {
			product float64
			hop     *catalog.Dependency
		}
		below := make(map[*catalog.Service]down, len(c.Services))
		follows := func(s *catalog.Service, d *catalog.Dependency) *catalog.Service {
			callee := syncCallee(c, s, d)
			if callee == nil || cs.same(s, callee) {
				return nil
			}
			return callee
		}
		hopProduct := func(s *catalog.Service, d *catalog.Dependency) float64 {
			x := float64(d.Retry.Attempts())
			if callee := follows(s, d); callee != nil {
				x *= below[callee].product
			}
			return x
		}
		for _, members := range cs.members { // callees first
			for _, s := range members {
				b := down{product: 1}
				for _, d := range s.Dependencies {
					if !d.Synchronous() {
						continue
					}
					if x := hopProduct(s, d); x > b.product || b.hop == nil && x == b.product {
						b = down{x, d}
					}
				}
				below[s] = b
			}
		}

		// above[s]: the worst product of attempts from an entry point down
		// to s, and the hop into s on that path (nil for an entry point).
		type up struct {
			product float64
			caller  *catalog.Service
			hop     *catalog.Dependency
		}
		above := make(map[*catalog.Service]up, len(c.Services))
		for i := len(cs.members) - 1; i >= 0; i-- { // callers first
			for _, s := range cs.members[i] {
				a, ok := above[s]
				if !ok {
					a = up{product: 1}
					above[s] = a
				}
				for _, d := range s.Dependencies {
					callee := follows(s, d)
					if callee == nil {
						continue
					}
					x := a.product * float64(d.Retry.Attempts())
					if cur, ok := above[callee]; !ok || x > cur.product {
						above[callee] = up{x, s, d}
					}
				}
			}
		}

		for _, s := range c.Services {
			for _, d := range s.Dependencies {
				if !d.Synchronous() {
					continue
				}
				rest := 1.0
				callee := follows(s, d)
				if callee != nil {
					rest = below[callee].product
				}
				if rest > limit || float64(d.Retry.Attempts())*rest <= limit {
					continue
				}
				// The whole path: the worst way down to s, this hop, the
				// worst way down from its callee.
				var path []catalog.Edge
				for at := s; above[at].hop != nil; at = above[at].caller {
					path = append(path, catalog.Edge{Caller: above[at].caller, Dep: above[at].hop})
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				tip := len(path)
				path = append(path, catalog.Edge{Caller: s, Dep: d})
				for at := callee; at != nil && below[at].hop != nil; {
					h := below[at].hop
					path = append(path, catalog.Edge{Caller: at, Dep: h})
					at = follows(at, h)
				}
				reportAmplification(p, limit, path, tip)
			}
		}
	},
}

// reportAmplification reports path at its hop tip (an index into path).
func reportAmplification(p *Pass, limit float64, path []catalog.Edge, tip int) {
	product := 1.0
	var b strings.Builder
	b.WriteString(path[0].Caller.Name)
	for _, e := range path {
		a := e.Dep.Retry.Attempts()
		product *= float64(a)
		fmt.Fprintf(&b, " → %s (×%d)", hopName(e.Dep), a)
	}
	tipHop := path[tip]
	below := 1.0
	for _, e := range path[tip:] {
		below *= float64(e.Dep.Retry.Attempts())
	}
	lim := strconv.FormatFloat(limit, 'f', -1, 64)
	alone := ""
	if below < product {
		alone = "; from this hop down alone it is " + formatProduct(below)
	}
	f := p.Report(tipHop.Dep.Sources.Pos("retry.maxRetries", tipHop.Dep.Pos), Subject(tipHop.Caller, tipHop.Dep),
		"dependency %s: the synchronous path %s turns one request to %s into up to %s attempts at its last hop, more than settings.vet.retryAmplification (%s)%s: retry at one layer only, and set retry.maxRetries: 0 here or on the hops below until the product is at most %s",
		tipHop.Dep.Name, b.String(), path[0].Caller.Name, formatProduct(product), lim, alone, lim)
	for i, e := range path {
		if i != tip {
			f.Edges = append(f.Edges, Subject(e.Caller, e.Dep))
		}
		if i == tip || e.Dep.Retry.Attempts() == 1 {
			continue
		}
		f.Related = append(f.Related, diag.Related{
			Pos:     e.Dep.Sources.Pos("retry.maxRetries", e.Dep.Pos),
			Message: fmt.Sprintf("%s → %s: %d attempts", e.Caller.Name, hopName(e.Dep), e.Dep.Retry.Attempts()),
		})
	}
	if pos := p.Catalog.Settings.Sources.Pos("vet.retryAmplification", catalog.Pos{}); pos.IsValid() {
		f.Related = append(f.Related, diag.Related{Pos: pos, Message: "limit set here"})
	}
}

// formatProduct prints a product of attempts: exactly while it is a
// believable number, in scientific notation beyond.
func formatProduct(x float64) string {
	if x < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

package check

import (
	"fmt"
	"math"
	"sort"
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
		leastBelow := make(map[*catalog.Service]float64, len(c.Services))
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
				// The best path down, too: a hop tips a path only if some
				// path below it is still within the limit.
				least := math.Inf(1)
				for _, d := range s.Dependencies {
					if d.Synchronous() {
						x := float64(d.Retry.Attempts())
						if callee := follows(s, d); callee != nil {
							x *= leastBelow[callee]
						}
						least = min(least, x)
					}
				}
				if math.IsInf(least, 1) {
					least = 1
				}
				leastBelow[s] = least
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

		// suffixes lists the paths from a tip's callee down whose product
		// is within the limit but not once the tip's attempts multiply it:
		// the paths this hop tips over (a path whose product exceeds the
		// limit below the hop has its tip further down). Worst first, at
		// most maxSuffixes, and the walk is bounded: a layered graph has
		// exponentially many paths.
		suffixes := func(a float64, callee *catalog.Service) [][]catalog.Edge {
			if callee == nil {
				if a > limit {
					return [][]catalog.Edge{nil}
				}
				return nil
			}
			if a*below[callee].product <= limit || leastBelow[callee] > limit {
				return nil
			}
			type found struct {
				hops    []catalog.Edge
				product float64
			}
			var out []found
			steps := 0
			var walk func(at *catalog.Service, product float64, hops []catalog.Edge)
			walk = func(at *catalog.Service, product float64, hops []catalog.Edge) {
				if len(out) >= maxSuffixes || steps >= maxSteps {
					return
				}
				steps++
				if at == nil || below[at].hop == nil {
					if a*product > limit {
						out = append(out, found{append([]catalog.Edge(nil), hops...), product})
					}
					return
				}
				if a*product*below[at].product <= limit || product*leastBelow[at] > limit {
					return
				}
				for _, h := range at.Dependencies {
					if !h.Synchronous() {
						continue
					}
					if x := product * float64(h.Retry.Attempts()); x <= limit {
						walk(follows(at, h), x, append(hops, catalog.Edge{Caller: at, Dep: h}))
					}
				}
			}
			walk(callee, 1, nil)
			sort.SliceStable(out, func(i, j int) bool { return out[i].product > out[j].product })
			paths := make([][]catalog.Edge, len(out))
			for i, f := range out {
				paths[i] = f.hops
			}
			return paths
		}

		for _, s := range c.Services {
			for _, d := range s.Dependencies {
				if !d.Synchronous() {
					continue
				}
				callee := follows(s, d)
				tails := suffixes(float64(d.Retry.Attempts()), callee)
				if len(tails) == 0 {
					continue
				}
				// Each whole path: the worst way down to s, this hop, a
				// way down from its callee.
				var prefix []catalog.Edge
				for at := s; above[at].hop != nil; at = above[at].caller {
					prefix = append(prefix, catalog.Edge{Caller: above[at].caller, Dep: above[at].hop})
				}
				for i, j := 0, len(prefix)-1; i < j; i, j = i+1, j-1 {
					prefix[i], prefix[j] = prefix[j], prefix[i]
				}
				var paths [][]catalog.Edge
				for _, tail := range tails {
					path := append(append(append([]catalog.Edge(nil), prefix...), catalog.Edge{Caller: s, Dep: d}), tail...)
					paths = append(paths, path)
				}
				reportAmplification(p, limit, paths, len(prefix))
			}
		}
	},
}

// The most paths one finding lists, and the most steps the walk that finds
// them takes.
const (
	maxSuffixes = 8
	maxSteps    = 10000
)

// reportAmplification reports the paths through one tipping hop (index tip
// of each path, which share it and everything above it): the worst in full,
// then the others from the hop down.
func reportAmplification(p *Pass, limit float64, paths [][]catalog.Edge, tip int) {
	path := paths[0]
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
	more := ""
	if len(paths) > 1 {
		var others []string
		for _, q := range paths[1:] {
			x := 1.0
			var o strings.Builder
			o.WriteString(tipHop.Caller.Name)
			for _, e := range q[tip:] {
				x *= float64(e.Dep.Retry.Attempts())
				fmt.Fprintf(&o, " → %s (×%d)", hopName(e.Dep), e.Dep.Retry.Attempts())
			}
			others = append(others, o.String()+" = "+formatProduct(x))
		}
		n := strconv.Itoa(len(others))
		if len(paths) == maxSuffixes {
			n = "at least " + n
		}
		more = fmt.Sprintf("; %s more %s through this hop too: %s", n, plural(len(others), "path exceeds it", "paths exceed it"), strings.Join(others, ", "))
	}
	f := p.Report(tipHop.Dep.Sources.Pos("retry.maxRetries", tipHop.Dep.Pos), Subject(tipHop.Caller, tipHop.Dep),
		"dependency %s: the synchronous path %s turns one request to %s into up to %s attempts at its last hop, more than settings.vet.retryAmplification (%s)%s%s: retry at one layer only, and set retry.maxRetries: 0 here or on the hops below until the product is at most %s",
		tipHop.Dep.Name, b.String(), path[0].Caller.Name, formatProduct(product), lim, alone, more, lim)
	seen := map[*catalog.Dependency]bool{tipHop.Dep: true}
	edges := map[string]bool{}
	for _, q := range paths {
		for i, e := range q {
			if i != tip && !edges[Subject(e.Caller, e.Dep)] {
				edges[Subject(e.Caller, e.Dep)] = true
				f.Edges = append(f.Edges, Subject(e.Caller, e.Dep))
			}
			if seen[e.Dep] || e.Dep.Retry.Attempts() == 1 {
				continue
			}
			seen[e.Dep] = true
			f.Related = append(f.Related, diag.Related{
				Pos:     e.Dep.Sources.Pos("retry.maxRetries", e.Dep.Pos),
				Message: fmt.Sprintf("%s → %s: %d attempts", e.Caller.Name, hopName(e.Dep), e.Dep.Retry.Attempts()),
			})
		}
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

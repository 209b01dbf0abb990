package compiler

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/svcgen/svcgen/catalog"
)

// Graph-derived timeouts and retries.
//
// The seed's matrices give one timeout and one retry count per kind and
// profile, and applied edge by edge they cannot all hold on a call graph:
// an internal call waits 5 s per try while the service it calls may wait
// 10 s in total on its own database, and three retries on each of three hops
// make 64 attempts at the bottom. So a timeout or retry count the catalog
// does not write is derived from the graph, and the matrices are its caps:
//
//   - Retries live at one layer of each synchronous path: its last hop, the
//     call nearest the failing resource (a database, a cache, an outside API,
//     a service that calls nothing). A call to a service that itself makes
//     synchronous calls does not retry: that service's own calls do, with
//     short timeouts, where the failure is seen first and retrying is
//     cheapest; a retry above them would repeat the whole subtree. The last
//     hop keeps its profile's count unless the paths into its caller already
//     multiply attempts (retries written above), then it is lowered until
//     the path stays within settings.vet.retryAmplification.
//   - Deadlines propagate from the leaves up: a call to a service that makes
//     calls waits one attempt of its callee's longest total timeout plus
//     10 %, and in total that attempt (it does not retry). A last hop keeps
//     its kind's total and fits its per-try timeout into it (fitRetryBudget).
//   - Caps flow from the callers down: no derived value exceeds its kind's
//     per-try or total timeout, so a service's calls must finish within what
//     its callers can wait for one attempt, less 10 % (its budget); a last
//     hop's total is lowered to its caller's budget.
//
// Values the catalog writes (on the dependency or in the service's
// resilience block) are never changed; a catalog-wide matrices override
// changes the caps. Where written values leave no derivation that holds, the
// derived value stops at its cap and timeout-hierarchy, retry-budget or
// retry-amplification reports the written value to change.

// hierarchyMargin is how much longer, in percent, a caller waits for one
// attempt than its callee's longest total timeout: the callee's own work
// beyond its calls, and the network between them.
const hierarchyMargin = 10

// grain is the resolution of derived durations.
const grain = 10 * time.Millisecond

// Source keys of the derived values.
const (
	keyPerTry  = "timeout.perTry"
	keyTotal   = "timeout.total"
	keyRetries = "retry.maxRetries"
)

// written reports whether the catalog wrote field for d (on the dependency
// or the service's resilience block) rather than a matrix supplying it.
func written(d *catalog.Dependency, field string) bool {
	src, ok := d.Sources[field]
	return ok && src.Default == ""
}

// above returns the shortest multiple of grain strictly more than
// hierarchyMargin percent above d.
func above(d time.Duration) time.Duration {
	x := (d*(100+hierarchyMargin) + 99) / 100
	if x <= d {
		x = d + 1
	}
	return (x + grain - 1) / grain * grain
}

// budgetUnder returns the longest total timeout a service's calls may have
// so that a caller waiting room per try still lies above it by the margin:
// the largest multiple of grain x with above(x) ≤ room (at least 1ms).
func budgetUnder(room time.Duration) time.Duration {
	x := (room * 100 / (100 + hierarchyMargin)) / grain * grain
	for x > 0 && above(x) > room {
		x -= grain
	}
	if x <= 0 {
		return time.Millisecond
	}
	return x
}

// derivation holds the graph facts the derivation needs.
type derivation struct {
	c     *catalog.Catalog
	limit float64
	// order lists services callees first (a depth-first post-order in name
	// order); calls round a loop are the back edges of that search and are
	// treated as last hops (synchronous-cycle reports the loop).
	order []*catalog.Service
	back  map[*catalog.Dependency]bool
	// caps are each edge's matrix per-try and total timeouts.
	capPerTry, capTotal map[*catalog.Dependency]time.Duration
	// budget is the longest total a service's synchronous calls may take,
	// with the edge that sets it; absent for a service no one waits on.
	budget   map[*catalog.Service]time.Duration
	budgetBy map[*catalog.Service]catalog.Edge
	// budgetRoom is the longest per-try timeout the edge that sets the
	// budget may have (its written one, or its caps').
	budgetRoom map[*catalog.Service]time.Duration
	// budgetAt is the written value that bounds a budget, where one does
	// (else the kind's own cap bounds it).
	budgetAt map[*catalog.Service]catalog.Pos
	// worst is the largest product of attempts along the synchronous
	// paths from an entry point to a service.
	worst map[*catalog.Service]float64
}

// callee returns the catalog service a synchronous call goes to when the call
// is an edge of the derivation's graph, else nil.
func (g *derivation) callee(s *catalog.Service, d *catalog.Dependency) *catalog.Service {
	if !d.Synchronous() || g.back[d] {
		return nil
	}
	t := g.c.Callee(d)
	if t == s {
		return nil
	}
	return t
}

// inner reports whether a call goes to a service that makes synchronous calls
// of its own (so it is not the last hop of its paths).
func (g *derivation) inner(s *catalog.Service, d *catalog.Dependency) *catalog.Service {
	t := g.callee(s, d)
	if t == nil || longestTotal(t) == nil {
		return nil
	}
	return t
}

// longestTotal returns t's synchronous call with the longest total timeout
// (the first by name among equals), or nil.
func longestTotal(t *catalog.Service) *catalog.Dependency {
	var out *catalog.Dependency
	for _, d := range t.Dependencies {
		if d.Synchronous() && (out == nil || d.Timeout.Total > out.Timeout.Total) {
			out = d
		}
	}
	return out
}

// deriveBudgets derives every timeout and retry count c does not write.
func deriveBudgets(c *catalog.Catalog) {
	g := &derivation{
		c:          c,
		limit:      c.Settings.Vet.RetryAmplification,
		back:       map[*catalog.Dependency]bool{},
		capPerTry:  map[*catalog.Dependency]time.Duration{},
		capTotal:   map[*catalog.Dependency]time.Duration{},
		budget:     map[*catalog.Service]time.Duration{},
		budgetBy:   map[*catalog.Service]catalog.Edge{},
		budgetAt:   map[*catalog.Service]catalog.Pos{},
		budgetRoom: map[*catalog.Service]time.Duration{},
		worst:      map[*catalog.Service]float64{},
	}
	g.sort()
	for i := len(g.order) - 1; i >= 0; i-- { // callers first
		g.down(g.order[i])
	}
	for _, s := range g.order { // callees first
		g.up(s)
	}
}

// sort fills order and back.
func (g *derivation) sort() {
	const (
		unseen = iota
		open
		done
	)
	state := map[*catalog.Service]int{}
	var visit func(s *catalog.Service)
	visit = func(s *catalog.Service) {
		state[s] = open
		for _, d := range s.Dependencies {
			if !d.Synchronous() {
				continue
			}
			t := g.c.Callee(d)
			if t == nil || t == s {
				continue
			}
			switch state[t] {
			case open:
				g.back[d] = true
			case unseen:
				visit(t)
			}
		}
		state[s] = done
		g.order = append(g.order, s)
	}
	for _, s := range g.c.Services {
		if state[s] == unseen {
			visit(s)
		}
	}
}

// down runs callers first: it records each edge's caps, turns off the
// retries of calls that are not last hops, and passes budgets and attempt
// products on to the callees.
func (g *derivation) down(s *catalog.Service) {
	if _, ok := g.worst[s]; !ok {
		g.worst[s] = 1
	}
	for _, d := range s.Dependencies {
		// Values not written still hold the matrices' own: the caps.
		g.capPerTry[d], g.capTotal[d] = d.Timeout.PerTry, d.Timeout.Total
		t := g.inner(s, d)
		if t != nil && !written(d, keyRetries) && d.Retry.MaxRetries > 0 {
			d.Retry.MaxRetries = 0
			d.Sources[keyRetries] = catalog.Source{Default: fmt.Sprintf(
				"derived: no retries here, %s's own calls retry (one layer of each path retries: the last hop, nearest the failing resource)", t.Name)}
		}
		if t = g.callee(s, d); t == nil {
			continue
		}
		// The longest this edge may wait for one attempt bounds what the
		// callee's own calls may take in all.
		room := d.Timeout.PerTry
		if !written(d, keyPerTry) {
			room = min(g.capPerTry[d], g.roomPerTry(s, d))
		}
		if b := budgetUnder(room); !g.hasBudget(t) || b < g.budget[t] {
			g.budget[t] = b
			g.budgetBy[t] = catalog.Edge{Caller: s, Dep: d}
			g.budgetRoom[t] = room
			g.budgetAt[t] = g.boundAt(s, d)
		}
		g.worst[t] = max(g.worst[t], g.worst[s]*float64(d.Retry.Attempts()))
	}
}

// boundAt returns the written value that bounds how long an edge may wait
// per try: its per-try timeout, else its retry count or total, else its
// caller's budget's; an invalid Pos when only the kinds' caps bound it (or
// the position of a catalog-wide matrices override that set the cap).
func (g *derivation) boundAt(s *catalog.Service, d *catalog.Dependency) catalog.Pos {
	if written(d, keyPerTry) {
		return d.Sources[keyPerTry].Pos
	}
	if written(d, keyRetries) && d.Retry.MaxRetries > 0 {
		return d.Sources[keyRetries].Pos
	}
	if written(d, keyTotal) {
		return d.Sources[keyTotal].Pos
	}
	if b, ok := g.budget[s]; ok && d.Synchronous() && b < g.capTotal[d] && g.budgetAt[s].IsValid() {
		return g.budgetAt[s]
	}
	return d.Sources[keyPerTry].Pos
}

func (g *derivation) hasBudget(s *catalog.Service) bool { _, ok := g.budget[s]; return ok }

// totalCap is the longest total an edge of s may be given: its written total,
// else its kind's, within s's budget for a synchronous call.
func (g *derivation) totalCap(s *catalog.Service, d *catalog.Dependency) time.Duration {
	if written(d, keyTotal) {
		return d.Timeout.Total
	}
	t := g.capTotal[d]
	if b, ok := g.budget[s]; ok && d.Synchronous() {
		t = min(t, b)
	}
	return t
}

// roomPerTry is the longest per-try timeout whose attempts and backoff fit
// the edge's total cap.
func (g *derivation) roomPerTry(s *catalog.Service, d *catalog.Dependency) time.Duration {
	r := (g.totalCap(s, d) - d.Retry.WorstCaseBackoff()) / time.Duration(d.Retry.Attempts())
	return max(r.Truncate(grain), time.Millisecond)
}

// up runs callees first, so every callee's totals are final: it derives the
// timeouts of s's calls, and the retries of its last hops.
func (g *derivation) up(s *catalog.Service) {
	for _, d := range s.Dependencies {
		if t := g.inner(s, d); t != nil {
			g.innerTimeouts(s, d, t)
			continue
		}
		g.lastHop(s, d)
	}
}

// innerTimeouts derives a call to a service that makes calls: one attempt
// above the callee's longest total, and a total that holds that attempt.
func (g *derivation) innerTimeouts(s *catalog.Service, d *catalog.Dependency, t *catalog.Service) {
	long := longestTotal(t)
	if !written(d, keyPerTry) {
		need := above(long.Timeout.Total)
		capped := min(g.capPerTry[d], g.roomPerTry(s, d))
		reason := fmt.Sprintf("derived: above %s's longest total %s (%s → %s), +%d %%",
			t.Name, catalog.FormatDuration(long.Timeout.Total), t.Name, hopName(long), hierarchyMargin)
		// The position is of the value the per-try timeout follows from:
		// the callee's longest total, else (capped) what capped it.
		at := long.Sources[keyTotal].Pos
		if need > capped {
			need = capped
			if !at.IsValid() {
				at = g.boundAt(s, d)
			}
			reason = fmt.Sprintf("derived, capped at %s (%s): %s's longest total %s (%s → %s) needs more; lower that total, or write timeout.perTry and timeout.total here",
				catalog.FormatDuration(capped), g.capWhy(s, d), t.Name, catalog.FormatDuration(long.Timeout.Total), t.Name, hopName(long))
		}
		d.Timeout.PerTry = need
		d.Sources[keyPerTry] = catalog.Source{Pos: at, Default: reason}
	}
	if !written(d, keyTotal) {
		worst := d.WorstCaseDuration()
		d.Timeout.Total = worst
		at := d.Sources[keyPerTry].Pos
		if written(d, keyRetries) && d.Retry.MaxRetries > 0 {
			at = d.Sources[keyRetries].Pos
		}
		d.Sources[keyTotal] = catalog.Source{Pos: at, Default: "derived: " + attemptsText(d)}
	}
}

// capWhy says which cap bounds an edge's per-try timeout.
func (g *derivation) capWhy(s *catalog.Service, d *catalog.Dependency) string {
	if g.roomPerTry(s, d) < g.capPerTry[d] {
		return g.totalWhy(s, d)
	}
	return "kind " + string(d.Kind) + " per-try timeout"
}

// totalWhy says where an edge's total cap comes from.
func (g *derivation) totalWhy(s *catalog.Service, d *catalog.Dependency) string {
	if written(d, keyTotal) {
		return "the written total"
	}
	if b, ok := g.budget[s]; ok && d.Synchronous() && b < g.capTotal[d] {
		return g.budgetText(s)
	}
	return "kind " + string(d.Kind) + " total timeout"
}

// budgetText explains a service's budget.
func (g *derivation) budgetText(s *catalog.Service) string {
	by := g.budgetBy[s]
	return fmt.Sprintf("%s's budget %s: %s → %s waits at most %s per try, less %d %%",
		s.Name, catalog.FormatDuration(g.budget[s]), by.Caller.Name, s.Name,
		catalog.FormatDuration(g.budgetRoom[s]), hierarchyMargin)
}

// lastHop derives a call nearest the failing resource (or an asynchronous
// one): its profile's retries within the path's amplification limit, its
// kind's total within the caller's budget, and a per-try timeout fitted into
// that total.
func (g *derivation) lastHop(s *catalog.Service, d *catalog.Dependency) {
	if !written(d, keyRetries) && d.Retry.MaxRetries > 0 && d.Retry.Owner == catalog.OwnerClient &&
		d.Kind != catalog.KindInternal && d.Host == "" && d.Protocol == "HTTP" {
		// The mesh writes no route for an HTTP call without a host, so the
		// caller's sidecar retries it by Istio's default policy: client
		// retries would multiply them (double-retry-owner).
		d.Retry.MaxRetries = 0
		d.Sources[keyRetries] = catalog.Source{Default: "derived: no client retries, the sidecar already retries an HTTP call without a host by Istio's default policy"}
	}
	if d.Synchronous() && !written(d, keyRetries) && g.limit >= 1 {
		w := g.worst[s]
		most := int(math.Floor(g.limit/w+1e-9)) - 1
		if most < 0 {
			most = 0
		}
		if d.Retry.MaxRetries > most {
			from := d.Retry.MaxRetries
			d.Retry.MaxRetries = most
			d.Sources[keyRetries] = catalog.Source{Default: fmt.Sprintf(
				"derived: lowered from %d (%s) so that %s's worst path (%s attempts above it) stays within settings.vet.retryAmplification (%s)",
				from, d.Sources[keyRetries], s.Name, strconv.FormatFloat(w, 'f', -1, 64), strconv.FormatFloat(g.limit, 'f', -1, 64))}
		}
	}
	if !written(d, keyTotal) {
		if c := g.totalCap(s, d); c < d.Timeout.Total {
			d.Timeout.Total = c
			d.Sources[keyTotal] = catalog.Source{Pos: g.budgetAt[s], Default: fmt.Sprintf("derived: within %s, under the kind's %s",
				g.budgetText(s), catalog.FormatDuration(g.capTotal[d]))}
		}
	}
	fitRetryBudget(d, g.capPerTry[d])
}

// attemptsText describes an edge's worst case: "1 attempt × 4.54s per try",
// "3 attempts × 1s per try + 1.8s backoff".
func attemptsText(d *catalog.Dependency) string {
	a := d.Retry.Attempts()
	out := fmt.Sprintf("%d attempt", a)
	if a != 1 {
		out += "s"
	}
	out += " × " + catalog.FormatDuration(d.Timeout.PerTry) + " per try"
	if b := d.Retry.WorstCaseBackoff(); b > 0 {
		out += " + " + catalog.FormatDuration(b) + " backoff"
	}
	return out
}

// hopName names where a dependency goes: the callee for a catalog service,
// else the dependency's own name.
func hopName(d *catalog.Dependency) string {
	if d.Kind == catalog.KindInternal {
		return d.Service
	}
	return d.Name
}

// fitRetryBudget makes a last hop's derived values fit its total timeout.
//
// The seed's matrices disagree with themselves: an internal call has 5 s per
// try, 10 s in total and 3 retries, and four 5 s attempts do not fit in 10 s.
// The total timeout is the budget the caller's own caller waits on, so it
// wins: a per-try timeout the user did not write is shortened until every
// attempt and every backoff fits the total, and where that would leave less
// than a quarter of the kind's per-try timeout (kindPerTry), a retry count
// the user did not write is lowered instead. Values the user wrote are never
// changed; when they do not fit, the retry-budget check says so.
func fitRetryBudget(d *catalog.Dependency, kindPerTry time.Duration) {
	if d.WorstCaseDuration() <= d.Timeout.Total {
		return
	}
	src := d.Sources
	perTryFixed := written(d, keyPerTry)
	retriesFixed := written(d, keyRetries)
	if perTryFixed && retriesFixed {
		return
	}
	fromRetries := d.Retry.MaxRetries
	retriesSrc := src[keyRetries]
	if perTryFixed {
		for d.Retry.MaxRetries > 0 && d.WorstCaseDuration() > d.Timeout.Total {
			d.Retry.MaxRetries--
		}
	} else {
		perTrySrc := src[keyPerTry]
		for {
			backoff := d.Retry.WorstCaseBackoff()
			p := (d.Timeout.Total - backoff) / time.Duration(d.Retry.Attempts())
			if p >= grain {
				p = p.Truncate(grain)
			} else {
				p = p.Truncate(time.Millisecond) // a total squeezed by written values
			}
			if p >= kindPerTry/4 || retriesFixed || d.Retry.MaxRetries == 0 {
				if p > 0 && p < d.Timeout.PerTry {
					d.Timeout.PerTry = p
					src[keyPerTry] = catalog.Source{Pos: perTrySrc.Pos, Default: fmt.Sprintf(
						"fitted to the total: (%s − %s backoff) / %d attempts, under %s",
						catalog.FormatDuration(d.Timeout.Total), catalog.FormatDuration(backoff),
						d.Retry.Attempts(), perTrySrc)}
				}
				break
			}
			d.Retry.MaxRetries--
		}
	}
	if d.Retry.MaxRetries != fromRetries {
		src[keyRetries] = catalog.Source{Pos: retriesSrc.Pos, Default: fmt.Sprintf(
			"lowered from %d (%s) to fit total %s", fromRetries, retriesSrc, catalog.FormatDuration(d.Timeout.Total))}
	}
}

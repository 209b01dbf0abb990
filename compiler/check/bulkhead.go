package check

import (
	"math"
	"strconv"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// What the bulkhead rules read of an edge: Little's law, the calls in flight
// at peak (peak RPS × p99), from the edge's declared traffic or its callee's.

// bulkheadLoad returns the calls in flight at peak on an edge whose bulkhead
// bounds anything, and false where the traffic is unknown or the edge is
// unbounded (isolation none).
func bulkheadLoad(d *catalog.Dependency) (float64, bool) {
	t := d.Traffic
	if d.Bulkhead.Isolation == catalog.IsolationNone || t == nil || t.PeakRPS <= 0 || t.P99 <= 0 {
		return 0, false
	}
	return t.Concurrency(), true
}

// describeLoad renders Little's law for an edge: "150 rps × 2s = 300".
func describeLoad(d *catalog.Dependency) string {
	return formatCount(d.Traffic.PeakRPS) + " rps × " + catalog.FormatDuration(d.Traffic.P99) +
		" = " + formatCount(d.Traffic.Concurrency())
}

// formatCount prints a count of calls with at most two decimals.
func formatCount(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// trafficRelated points at the traffic the load came from: the edge's own,
// else the callee's (an edge without its own carries its callee's peak,
// every caller's share together).
func trafficRelated(c *catalog.Catalog, d *catalog.Dependency) []diag.Related {
	if pos := d.Sources.Pos("traffic.peakRPS", catalog.Pos{}); pos.IsValid() {
		return []diag.Related{{Pos: pos, Message: "traffic of the edge declared here"}}
	}
	if callee := c.Callee(d); callee != nil {
		if pos := callee.Sources.Pos("traffic.peakRPS", catalog.Pos{}); pos.IsValid() {
			return []diag.Related{{Pos: pos, Message: "traffic of " + callee.Name + " declared here (the edge declares none of its own)"}}
		}
	}
	return nil
}

// ownTraffic reports whether the edge declares its own traffic.
func ownTraffic(d *catalog.Dependency) bool {
	src, ok := d.Sources["traffic.peakRPS"]
	return ok && src.Default == ""
}

// littleSize is svcgen's bulkhead size for a load: ceil(load × 1.5), at
// least 1 (as the compiler sizes an unset maxConcurrent).
func littleSize(load float64) int { return max(1, int(math.Ceil(load*1.5-1e-9))) }

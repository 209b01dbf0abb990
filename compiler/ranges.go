package compiler

import (
	"math"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/catalog"
)

// Range checks against the types the targets hold a value in, for the values
// the schema cannot bound with a good message. The schema bounds the plain
// counts (#Count: replicas, pools, breaker thresholds) itself.

// maxCount is the largest count Kubernetes and Envoy hold (int32).
const maxCount = math.MaxInt32

// intOrPercentIn reads an int-or-percent like intOrPercent and checks that
// it fits the 32 bits of Kubernetes' intstr, as a count or a percentage
// (percentages above 100% of the pods are left to the rules that explain
// them: rollout-cannot-progress, budget-blocks-eviction). It reports
// whether the value is there and in range.
func (r *reader) intOrPercentIn(dst *catalog.IntOrPercent, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	field := lastKey(key)
	if i, err := x.Int64(); err == nil {
		if i > maxCount {
			r.errorf(s.Pos, "%s: %d is out of range: must be at most %d (Kubernetes holds it in 32 bits)", field, i, maxCount)
			return false
		}
	} else if str, err := x.String(); err == nil {
		if _, err := strconv.ParseInt(strings.TrimSuffix(str, "%"), 10, 32); err != nil {
			r.errorf(s.Pos, "%s: %s is out of range: a percentage above 100%% of the pods is never needed; write at most 100%%", field, str)
			return false
		}
	} else {
		// An integer beyond 64 bits.
		r.errorf(s.Pos, "%s: %v is out of range: must be at most %d (Kubernetes holds it in 32 bits)", field, x, maxCount)
		return false
	}
	return r.intOrPercent(dst, src, key, layers, path...)
}

// checkLittle reports traffic whose Little's law bulkhead, ceil(peak RPS ×
// p99 × 1.5), would not fit the 32 bits Envoy's connection pool and the
// generated clients hold it in. It reports whether the traffic fits.
func (r *reader) checkLittle(t *catalog.Traffic, src catalog.Sources, key string, at catalog.Pos) bool {
	if t == nil {
		return true
	}
	load := t.PeakRPS * t.P99.Seconds() * 1.5
	if load <= maxCount && !math.IsInf(load, 0) && !math.IsNaN(load) {
		return true
	}
	r.errorf(src.Pos(key+".peakRPS", at), "%s: %s requests per second at a p99 of %s is %s calls in flight with the 1.5 safety factor, more than a bulkhead holds (%d): peak RPS × p99 must stay below %d",
		key, strconv.FormatFloat(t.PeakRPS, 'g', -1, 64), catalog.FormatDuration(t.P99), strconv.FormatFloat(math.Ceil(load), 'g', 6, 64), maxCount, maxCount*2/3)
	return false
}

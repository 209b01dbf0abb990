package prometheus

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"sync"
	"time"
)

// The generated unit tests assert which alerts fire when. Which ones do
// depends on the SLO (period, budget, guard) and on the scenario, so the
// emitter predicts it with a model of the scenarios: events flow at a
// constant rate from time 0, and from a start time on a fixed share of them
// is bad. Every condition the alerts test then becomes true at one moment
// and stays true (all windows' bad shares only grow), which the model
// computes exactly, in rationals, so the output is the same on every
// machine.
//
// Prometheus' own numbers differ from the model's by a sample or so at
// window edges, by rate()'s extrapolation and by the 5m rates the period is
// summed from. A test asserts an alert at a time only when the outcome is
// the same with every threshold eased and tightened by epsilon and every
// onset moved by timeMargin either way.

// epsilon is the relative slack on thresholds in the robustness check.
var epsilon = big.NewRat(1, 1000)

// timeMargin is the slack on onsets in the robustness check, in minutes.
const timeMargin = 5

// flow is a scenario's traffic: perMin events a minute from minute 0, a
// share bad of them bad from minute start on.
type flow struct {
	perMin *big.Rat
	bad    *big.Rat
	start  int64
}

// windowOnset is the minute after which the share of bad events in the w
// minutes before exceeds theta (nil: never). Before minute w the window holds
// all events since 0.
func (f flow) windowOnset(theta *big.Rat, w int64) *big.Rat {
	if f.bad.Cmp(theta) <= 0 {
		return nil
	}
	if theta.Sign() < 0 || f.start == 0 {
		return new(big.Rat)
	}
	// While t ≤ w: bad × (t − start) / t > theta ⟺ t > bad × start / (bad − theta).
	t := new(big.Rat).Mul(f.bad, big.NewRat(f.start, 1))
	t.Quo(t, new(big.Rat).Sub(f.bad, theta))
	if t.Cmp(big.NewRat(w, 1)) <= 0 {
		return t
	}
	// After: bad × min(t − start, w) / w > theta ⟺ t > start + theta × w / bad.
	t.Mul(theta, big.NewRat(w, 1))
	t.Quo(t, f.bad)
	return t.Add(t, big.NewRat(f.start, 1))
}

// periodOnset is the minute after which the bad events since start exceed
// theta times the events of a whole period of w minutes at the flow's rate
// (nil: never): bad × min(t − start, w) / w > theta.
func (f flow) periodOnset(theta *big.Rat, w int64) *big.Rat {
	if f.bad.Cmp(theta) <= 0 {
		return nil
	}
	if theta.Sign() < 0 {
		return new(big.Rat)
	}
	t := new(big.Rat).Mul(theta, big.NewRat(w, 1))
	t.Quo(t, f.bad)
	return t.Add(t, big.NewRat(f.start, 1))
}

// Counter values of the flow's series at minute m, exactly as the unit
// test's input series hold them (counterValues): good and bad requests, and
// all of them.
func (f flow) goodAt(m int64) float64 {
	before := new(big.Rat).Mul(f.perMin, big.NewRat(min(m, f.start), 1))
	after := new(big.Rat).Mul(f.perMin, new(big.Rat).Sub(big.NewRat(1, 1), f.bad))
	after.Mul(after, big.NewRat(max(0, m-f.start), 1))
	v, _ := before.Add(before, after).Float64()
	return v
}

func (f flow) badAt(m int64) float64 {
	v, _ := new(big.Rat).Mul(new(big.Rat).Mul(f.perMin, f.bad), big.NewRat(max(0, m-f.start), 1)).Float64()
	return v
}

func (f flow) totalAt(m int64) float64 {
	v, _ := new(big.Rat).Mul(f.perMin, big.NewRat(m, 1)).Float64()
	return v
}

// promRate is rate(counter[w]) at minute t as Prometheus 2 computes it on
// samples a minute apart from minute 0: the range [t−w, t] holds a sample at
// each end (or starts at the counter's first sample, 0, where rate() does not
// extrapolate past zero), so the rate is the increase over the window's
// seconds, without extrapolation.
func (f flow) promRate(t int64, w time.Duration, at func(int64) float64) float64 {
	from := max(0, t-int64(w/time.Minute))
	return (at(t) - at(from)) / seconds(w)
}

// humanizePercentage is Prometheus' template function of that name.
func humanizePercentage(v float64) string { return fmt.Sprintf("%.4g%%", v*100) }

// guardOnset is the minute from which the w minutes before hold at least m
// events (nil: never).
func (f flow) guardOnset(m *big.Rat, w int64) *big.Rat {
	t := new(big.Rat).Quo(m, f.perMin)
	if t.Cmp(big.NewRat(w, 1)) > 0 {
		return nil
	}
	return t
}

// latest is the later of two onsets (both conditions needed); nil if either
// never comes.
func latest(a, b *big.Rat) *big.Rat {
	if a == nil || b == nil {
		return nil
	}
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// earliest is the earlier of two onsets (either condition suffices).
func earliest(a, b *big.Rat) *big.Rat {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.Cmp(b) <= 0:
		return a
	}
	return b
}

// scale is r × (1 + sign × epsilon).
func scale(r *big.Rat, sign int) *big.Rat {
	k := new(big.Rat).SetInt64(1)
	if sign < 0 {
		k.Sub(k, epsilon)
	} else {
		k.Add(k, epsilon)
	}
	return k.Mul(k, r)
}

// minutes converts a duration to exact minutes.
func minutes(d time.Duration) *big.Rat { return big.NewRat(int64(d), int64(time.Minute)) }

// never is a minute no scenario reaches.
const never = math.MaxInt64

// expectation is an alert rule's predicted behaviour in one scenario,
// reduced to two minutes: from fireFrom on it surely fires, before
// silentUntil it surely does not.
type expectation struct {
	sr                    *serviceRules
	spec                  *alertSpec
	fireFrom, silentUntil int64
	// series are the labels of the series the expression returns (nil:
	// none, as for an aggregation); annotations replace the spec's
	// rendered templates where they depend on the series.
	series      map[string]string
	annotations map[string]string
	// value renders the spec's value annotation at minute t as Prometheus
	// does; ok is false when it cannot be sure. Nil for specs without one.
	value func(t int64) (string, bool)
}

// expect predicts spec from onset, which computes when the rule's condition
// starts to hold with every threshold eased (sign −1) or tightened (+1) by
// epsilon (nil: never). The alert fires a `for` after the onset; margin
// (minutes) is the slack on onsets either way.
func expect(sr *serviceRules, spec *alertSpec, margin int64, onset func(sign int) *big.Rat) expectation {
	return predict(sr, spec, "", margin, onset)
}

// predict is expect, memoised per Emit under key when key is not empty:
// services of a tier share their SLOs' parameters, and so their scenarios'
// predictions. The key must name everything onset depends on.
func predict(sr *serviceRules, spec *alertSpec, key string, margin int64, onset func(sign int) *big.Rat) expectation {
	x := expectation{sr: sr, spec: spec, fireFrom: never, silentUntil: never}
	if spec.off {
		return x // no rule: surely silent
	}
	var m *memo
	if key != "" && sr != nil {
		m = &sr.env.memo
		key += "|" + strconv.FormatInt(margin, 10) + "|" + strconv.FormatInt(int64(spec.forDur), 10)
		if got, ok := m.get(key); ok {
			x.fireFrom, x.silentUntil = got[0], got[1]
			return x
		}
		defer func() { m.put(key, [2]int64{x.fireFrom, x.silentUntil}) }()
	}
	forMin := minutes(spec.forDur)
	if strict := onset(+1); strict != nil {
		fire := new(big.Rat).Add(strict, forMin)
		x.fireFrom = ceil(fire.Add(fire, big.NewRat(margin, 1)))
	}
	if loose := onset(-1); loose != nil {
		fire := new(big.Rat).Add(loose, forMin)
		x.silentUntil = ceil(fire.Sub(fire, big.NewRat(margin, 1)))
	}
	return x
}

// ceil is the least integer ≥ r: for a whole minute t, t ≥ r ⟺ t ≥ ceil(r)
// and t < r ⟺ t < ceil(r).
func ceil(r *big.Rat) int64 {
	q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// state is the alert's robust state at minute t: firing or not, and whether
// the model is sure.
func (x expectation) state(t int64) (firing, sure bool) {
	switch {
	case t >= x.fireFrom:
		if _, ok := x.valueAt(t); !ok {
			return true, false
		}
		return true, true
	case t < x.silentUntil:
		return false, true
	}
	return false, false
}

// valueAt is the value annotation at t ("" for a spec without one).
func (x expectation) valueAt(t int64) (string, bool) {
	if _, templated := x.spec.templates[annotationValue]; !templated {
		return "", true
	}
	if x.value == nil {
		return "", false
	}
	return x.value(t)
}

// memo holds predictions shared by the services of one Emit.
type memo struct {
	mu sync.Mutex
	m  map[string][2]int64
}

func (m *memo) get(key string) ([2]int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *memo) put(key string, v [2]int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string][2]int64{}
	}
	m.m[key] = v
}

// key names a flow in a memo key.
func (f flow) key() string {
	return f.perMin.RatString() + "/" + f.bad.RatString() + "/" + strconv.FormatInt(f.start, 10)
}

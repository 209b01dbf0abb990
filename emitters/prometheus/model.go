package prometheus

import (
	"math/big"
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

// expectation is an alert rule's predicted behaviour in one scenario.
type expectation struct {
	sr   *serviceRules
	spec *alertSpec
	// margin is the slack on onsets, in minutes.
	margin int64
	// onset computes when the rule's condition starts to hold, with every
	// threshold eased (sign −1) or tightened (+1) by epsilon.
	onset func(sign int) *big.Rat
}

// state is the alert's robust state at minute t: firing or not, and whether
// the model is sure.
func (x expectation) state(t int64) (firing, sure bool) {
	forMin := minutes(x.spec.forDur)
	if strict := x.onset(+1); strict != nil {
		fire := new(big.Rat).Add(strict, forMin)
		fire.Add(fire, big.NewRat(x.margin, 1))
		if big.NewRat(t, 1).Cmp(fire) >= 0 {
			return true, true
		}
	}
	loose := x.onset(-1)
	if loose == nil {
		return false, true
	}
	fire := new(big.Rat).Add(loose, forMin)
	fire.Sub(fire, big.NewRat(x.margin, 1))
	return false, big.NewRat(t, 1).Cmp(fire) < 0
}

// firesAt is the earliest minute the alert fires for sure (nil: never).
func (x expectation) firesAt() *big.Rat {
	strict := x.onset(+1)
	if strict == nil {
		return nil
	}
	fire := new(big.Rat).Add(strict, minutes(x.spec.forDur))
	return fire.Add(fire, big.NewRat(x.margin, 1))
}

// silentUntil is the minute before which the alert is silent for sure (nil:
// silent for ever).
func (x expectation) silentUntil() *big.Rat {
	loose := x.onset(-1)
	if loose == nil {
		return nil
	}
	fire := new(big.Rat).Add(loose, minutes(x.spec.forDur))
	return fire.Sub(fire, big.NewRat(x.margin, 1))
}

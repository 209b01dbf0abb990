package prometheus

import (
	"math/big"
	"testing"
	"time"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

func TestWindowOnset(t *testing.T) {
	b := rat("0.001")
	burn := func(x string) *big.Rat { return new(big.Rat).Mul(rat(x), b) }
	page := flow{perMin: rat("400"), bad: burn("15"), start: 60}
	for _, tc := range []struct {
		name  string
		f     flow
		theta *big.Rat
		w     int64
		want  string // minutes; "" for never
	}{
		// The 1h window holds only bad events from minute 120 on; it
		// passes 14.4/15 of the way there at 60 + 57.6.
		{"1h window after the start", page, burn("14.4"), 60, "117.6"},
		// The 6h window still holds all events since 0: 15(t−60)/t > 6.
		{"6h window before it fills", page, burn("6"), 360, "100"},
		{"5m window", page, burn("14.4"), 5, "64.8"},
		{"below the threshold", page, burn("15"), 60, ""},
		{"from the start", flow{perMin: rat("1"), bad: burn("2"), start: 0}, burn("1"), 60, "0"},
		// The window is shorter than the time before the start.
		{"window inside the burn", flow{perMin: rat("1"), bad: burn("4"), start: 100}, burn("1"), 60, "115"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.windowOnset(tc.theta, tc.w)
			switch {
			case tc.want == "" && got != nil:
				t.Errorf("onset %s, want never", got.FloatString(3))
			case tc.want != "" && (got == nil || got.Cmp(rat(tc.want)) != 0):
				t.Errorf("onset %v, want %s", got, tc.want)
			}
		})
	}
}

func TestGuardOnset(t *testing.T) {
	f := flow{perMin: rat("0.5"), bad: rat("0.03125"), start: 0}
	if got := f.guardOnset(rat("100"), 60); got != nil {
		t.Errorf("1h window with 30 events meets a guard of 100 at %v", got)
	}
	if got := f.guardOnset(rat("100"), 360); got == nil || got.Cmp(rat("200")) != 0 {
		t.Errorf("6h window: %v, want minute 200", got)
	}
}

func TestExpectationState(t *testing.T) {
	// Onset at minute 10 (10.5 tightened), a 2m for, 5 minutes of margin:
	// sure to fire from 17.5, sure to be silent before 7.
	x := expect(nil, &alertSpec{forDur: 2 * time.Minute}, 5, func(sign int) *big.Rat {
		if sign > 0 {
			return rat("10.5")
		}
		return rat("10")
	})
	if x.fireFrom != 18 || x.silentUntil != 7 {
		t.Errorf("fire from %d, silent until %d; want 18 and 7", x.fireFrom, x.silentUntil)
	}
	for _, tc := range []struct {
		t            int64
		firing, sure bool
	}{
		{6, false, true},
		{7, false, false},
		{17, false, false},
		{18, true, true},
	} {
		firing, sure := x.state(tc.t)
		if firing != tc.firing || sure != tc.sure {
			t.Errorf("minute %d: firing %v sure %v, want %v %v", tc.t, firing, sure, tc.firing, tc.sure)
		}
	}
	none := expect(nil, &alertSpec{forDur: time.Minute}, 5, func(int) *big.Rat { return nil })
	if firing, sure := none.state(100000); firing || !sure {
		t.Errorf("never: firing %v sure %v", firing, sure)
	}
}

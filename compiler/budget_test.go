package compiler

import (
	"testing"
	"time"
)

// The margin arithmetic the derivation rests on: a caller's per-try timeout
// derived as above(x) lies strictly above x, and a budget derived under a
// per-try room leaves that room enough for above(budget), for every room
// from 20ms to two minutes (every millisecond to 1s, then every 7ms; below
// two grains the budget bottoms out at 1ms and only written values get
// there, which the rules then report).
func TestMarginArithmetic(t *testing.T) {
	for room := time.Millisecond; room <= 2*time.Minute; {
		b := budgetUnder(room)
		if b <= 0 {
			t.Fatalf("budgetUnder(%s) = %s", room, b)
		}
		if room >= 2*grain && above(b) > room {
			t.Fatalf("budgetUnder(%s) = %s, but above(%s) = %s exceeds the room", room, b, b, above(b))
		}
		if a := above(room); a <= room || a%grain != 0 {
			t.Fatalf("above(%s) = %s: not strictly above it on the %s grain", room, a, grain)
		}
		if room < time.Second {
			room += time.Millisecond
		} else {
			room += 7 * time.Millisecond
		}
	}
	// The figures explain prints: 10 % above 4.12s is 4.54s (4.532s
	// rounded up), and the budget under a 5s attempt is 4.54s.
	if got := above(4120 * time.Millisecond); got != 4540*time.Millisecond {
		t.Errorf("above(4.12s) = %s", got)
	}
	if got := budgetUnder(5 * time.Second); got != 4540*time.Millisecond {
		t.Errorf("budgetUnder(5s) = %s", got)
	}
}

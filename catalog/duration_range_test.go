package catalog

import (
	"strings"
	"testing"
)

// Durations are capped at MaxDuration, term by term and in total, so that
// nothing svcgen computes from them (attempts × per-try timeout + backoff,
// probe seconds in an int32) can overflow into a negative suggestion.
func TestDurationRange(t *testing.T) {
	for _, ok := range []string{"365d", "52w1d", "364d23h59m59.999s"} {
		if d, err := ParseDuration(ok); err != nil || d > MaxDuration {
			t.Errorf("ParseDuration(%q) = %v, %v; want at most 365d", ok, d, err)
		}
	}
	for _, long := range []string{"365d1ms", "366d", "200d200d", "53376d53376d53376d", "99999999999999999999h", "9223372036854775807ms"} {
		d, err := ParseDuration(long)
		if err == nil || !strings.Contains(err.Error(), "longer than 365d") {
			t.Errorf("ParseDuration(%q) = %v, %v; want longer than 365d", long, d, err)
		}
	}
}

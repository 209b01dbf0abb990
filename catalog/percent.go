package catalog

import (
	"errors"
	"strconv"
	"strings"
)

// percentScale is the number of units in one percent: six decimal places are
// exact, which covers any objective anyone writes (99.9999 %).
const percentScale = 1_000_000

// Percent is an exact decimal percentage such as 99.95. Objectives and error
// budgets are written into rules and dashboards, and 1 - 0.999 in floating
// point prints as 0.0010000000000000009; holding the decimal exactly keeps
// "99.9" meaning an error budget of exactly 0.001.
type Percent struct {
	units int64 // percent × percentScale
}

// ParsePercent parses a decimal such as "99.95" or "1e-1" is refused: only
// plain decimals with at most six fractional digits are accepted.
func ParsePercent(s string) (Percent, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) {
		return Percent{}, errors.New("not a plain decimal number")
	}
	if len(frac) > 6 {
		return Percent{}, errors.New("more than six decimal places")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1_000_000 {
		return Percent{}, errors.New("too large")
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	u := w*percentScale + f
	if neg {
		u = -u
	}
	return Percent{units: u}, nil
}

// MustPercent is ParsePercent for constants in code and tests.
func MustPercent(s string) Percent {
	p, err := ParsePercent(s)
	if err != nil {
		panic("catalog.MustPercent(" + strconv.Quote(s) + "): " + err.Error())
	}
	return p
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String renders the percentage as written: "99.95", "99", "0.1".
func (p Percent) String() string { return decimal(p.units, 6) }

// Ratio renders the percentage as a ratio: 99.95 → "0.9995".
func (p Percent) Ratio() string { return decimal(p.units, 8) }

// Remainder is 100 % minus p: the error budget of an objective (99.9 → 0.1).
func (p Percent) Remainder() Percent { return Percent{units: 100*percentScale - p.units} }

// Float64 is the percentage as a float, for arithmetic that is not printed.
func (p Percent) Float64() float64 { return float64(p.units) / percentScale }

// RatioFloat64 is Ratio as a float.
func (p Percent) RatioFloat64() float64 { return float64(p.units) / (100 * percentScale) }

// IsZero reports whether p is 0 %.
func (p Percent) IsZero() bool { return p.units == 0 }

// Cmp compares p and q: -1, 0 or +1.
func (p Percent) Cmp(q Percent) int {
	switch {
	case p.units < q.units:
		return -1
	case p.units > q.units:
		return 1
	}
	return 0
}

// MarshalJSON writes the exact decimal as a JSON number.
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

// decimal renders n × 10^-places without trailing zeros.
func decimal(n int64, places int) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + "." + frac
}

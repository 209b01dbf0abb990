package catalog

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Day and Week are the units catalogs use for SLO periods.
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
)

// MaxDuration is the longest duration a catalog may write. No timeout,
// backoff, probe delay or SLO period comes near it, and below it every sum
// and product svcgen forms (attempts × per-try timeout + backoff, probe
// seconds in Kubernetes' int32) stays far from overflowing.
const MaxDuration = 365 * Day

var errTooLong = errors.New("longer than 365d, the longest duration svcgen accepts")

// ParseDuration parses the catalog's duration syntax: one or more
// <decimal><unit> terms with units ms, s, m, h, d and w ("100ms", "1.5s",
// "1h30m", "30d"). Go's time.ParseDuration has no days; Prometheus' has no
// fractions. Catalog authors write both.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, errors.New("expected a number")
		}
		num := rest[:i]
		rest = rest[i:]
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		var u time.Duration
		switch unit {
		case "ms":
			u = time.Millisecond
		case "s":
			u = time.Second
		case "m":
			u = time.Minute
		case "h":
			u = time.Hour
		case "d":
			u = Day
		case "w":
			u = Week
		case "":
			return 0, errors.New("missing unit after " + num + " (use ms, s, m, h, d or w)")
		default:
			return 0, errors.New("unknown unit " + strconv.Quote(unit) + " (use ms, s, m, h, d or w)")
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, errors.New("bad number " + strconv.Quote(num))
		}
		if f*float64(u) > float64(MaxDuration) {
			return 0, errTooLong
		}
		total += time.Duration(math.Round(f * float64(u)))
		if total > MaxDuration {
			return 0, errTooLong
		}
	}
	return total, nil
}

// FormatDuration renders d in the largest units that represent it exactly:
// 30d, 1h, 90s → 1m30s, 2.29s, 100ms. It is the inverse of ParseDuration and
// is what generated files and `svcgen explain` print.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	if d < time.Second {
		if d%time.Millisecond == 0 {
			b.WriteString(strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms")
			return b.String()
		}
		b.WriteString(d.String())
		return b.String()
	}
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{Day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}} {
		if d >= u.d {
			b.WriteString(strconv.FormatInt(int64(d/u.d), 10) + u.name)
			d %= u.d
		}
	}
	if d > 0 {
		b.WriteString(strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s")
	}
	return b.String()
}

package compiler

import (
	"fmt"
	"strconv"
	"time"

	"github.com/svcgen/svcgen/catalog"
)

// Tables of fields. A row names a field once: the reader looks it up by
// name below each layer's node (the layers of a section are rooted at the
// section), and records its source under "section.name".

// fieldRow is one field a table reads into dst, whose type says how
// (string, int, float64, bool, time.Duration, catalog.Percent).
// Where no layer has the field, orElse, if set, sets dst itself and
// returns the source's label ("" when it does not apply either).
type fieldRow struct {
	name   string
	dst    any
	orElse func() string
}

func sourceKey(section, name string) string {
	if section == "" {
		return name
	}
	return section + "." + name
}

// in reads section.name from layers into dst, and reports whether a layer
// had it.
func (r *reader) in(dst any, src catalog.Sources, section, name string, layers []layer) bool {
	key := sourceKey(section, name)
	switch p := dst.(type) {
	case *string:
		return r.str(p, src, key, layers, name)
	case *int:
		return r.integer(p, src, key, layers, name)
	case *float64:
		return r.float(p, src, key, layers, name)
	case *bool:
		return r.boolean(p, src, key, layers, name)
	case *time.Duration:
		return r.duration(p, src, key, layers, name)
	case *catalog.Percent:
		return r.percent(p, src, key, layers, name)
	}
	panic(fmt.Sprintf("field %s: no reader for %T", key, dst))
}

// fields reads every row of a section from its layers.
func (r *reader) fields(src catalog.Sources, section string, layers []layer, rows ...fieldRow) {
	for _, f := range rows {
		if r.in(f.dst, src, section, f.name, layers) || f.orElse == nil {
			continue
		}
		if label := f.orElse(); label != "" {
			src[sourceKey(section, f.name)] = catalog.Source{Default: label}
		}
	}
}

// breaker reads a dependency's circuit breaker from bl: the dependency's
// breaker, the service's resilience breaker, then the profile pl's.
func (r *reader) breaker(d *catalog.Dependency, bl []layer, pl layer) {
	const section = "breaker"
	src, b := d.Sources, &d.Breaker
	written := bl[:2] // the window, slow calls and time fields come from the catalog only
	window := string(catalog.WindowCount)
	r.fields(src, section, written, fieldRow{"window", &window, func() string { return "count unless set" }})
	b.Window = catalog.BreakerWindow(window)
	r.fields(src, section, bl,
		fieldRow{name: "failures", dst: &b.Failures},
		fieldRow{name: "calls", dst: &b.Calls},
		fieldRow{name: "openFor", dst: &b.OpenFor},
		fieldRow{name: "halfOpenCalls", dst: &b.HalfOpenCalls})
	r.fields(src, section, written, fieldRow{name: "slowCall", dst: &b.SlowCall})

	// A time-based breaker keeps the profile's failure ratio unless told
	// otherwise, over a minute, once it has seen a count window's calls.
	timeRows := []fieldRow{
		{"failureRate", &b.FailureRate, func() string {
			if b.Calls == 0 {
				return ""
			}
			b.FailureRate = ratioPercent(b.Failures, b.Calls)
			return "failures / calls of " + pl.label
		}},
		{"period", &b.Period, func() string {
			b.Period = time.Minute
			return "1m for time-based breakers"
		}},
		{"minCalls", &b.MinCalls, func() string {
			b.MinCalls = b.Calls
			return "calls of " + pl.label
		}},
	}
	if b.Window != catalog.WindowTime {
		for _, f := range timeRows {
			if _, s, ok := r.pick(written, f.name); ok {
				r.errorf(s.Pos, "%s.%s: applies only to time-based breakers; remove it or set window: \"time\"", section, f.name)
			}
		}
		return
	}
	r.fields(src, section, written, timeRows...)
	// The count fields describe the count window only.
	b.Failures, b.Calls = 0, 0
	delete(src, sourceKey(section, "failures"))
	delete(src, sourceKey(section, "calls"))
}

// bulkhead reads a dependency's bulkhead from hl: the dependency's, the
// service's resilience bulkhead, then the kind's. Without a written size,
// traffic sizes it by Little's law before the kind's default does.
func (r *reader) bulkhead(d *catalog.Dependency, hl []layer) {
	const section = "bulkhead"
	src, h := d.Sources, &d.Bulkhead
	var isolation string
	r.fields(src, section, hl, fieldRow{name: "isolation", dst: &isolation})
	h.Isolation = catalog.Isolation(isolation)
	sized := []fieldRow{
		{"maxConcurrent", &h.MaxConcurrent, nil},
		{"maxQueue", &h.MaxQueue, nil},
		{"maxWait", &h.MaxWait, nil},
	}
	r.fields(src, section, hl[:2], fieldRow{sized[0].name, sized[0].dst, func() string {
		if t := d.Traffic; t != nil && t.PeakRPS > 0 && t.P99 > 0 {
			h.MaxConcurrent = littleBulkhead(*t)
			return fmt.Sprintf("Little's law: ceil(%s rps × %s × 1.5)",
				strconv.FormatFloat(t.PeakRPS, 'f', -1, 64), catalog.FormatDuration(t.P99))
		}
		r.fields(src, section, hl[2:], sized[0])
		return ""
	}})
	r.fields(src, section, hl, sized[1:]...)
	if h.Isolation == catalog.IsolationNone {
		h.MaxConcurrent, h.MaxQueue, h.MaxWait = 0, 0, 0
		for _, f := range sized {
			delete(src, sourceKey(section, f.name))
		}
	}
}

package compiler

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"cuelang.org/go/cue"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// reader reads typed values out of the unified CUE value and records where
// each came from. Values the schema guarantees (by type) are read without
// error handling beyond what CUE cannot express.
type reader struct {
	l     *loaded
	diags diag.List
}

// layer is one place a value may come from, most specific first: the edge,
// the service, then the matrices. label is "" for values the user wrote for
// this node, and names the default otherwise ("profile core").
type layer struct {
	v     cue.Value
	label string
}

func at(v cue.Value, path ...string) cue.Value {
	if !v.Exists() {
		return v
	}
	return v.LookupPath(selectorPath(path))
}

// pick returns the value of the first layer that has path, and its source.
func (r *reader) pick(layers []layer, path ...string) (cue.Value, catalog.Source, bool) {
	for _, ly := range layers {
		x := at(ly.v, path...)
		if !x.Exists() {
			continue
		}
		pos := r.l.userPos(x)
		if d, ok := x.Default(); ok {
			x = d
		}
		if ly.label == "" {
			return x, catalog.Source{Pos: pos}, true
		}
		return x, catalog.Source{Pos: pos, Default: ly.label}, true
	}
	return cue.Value{}, catalog.Source{}, false
}

func (r *reader) errorf(pos catalog.Pos, format string, args ...any) {
	r.diags.Errorf(pos, RuleSchema, format, args...)
}

// str reads a string field from the layers into dst and records its source.
func (r *reader) str(dst *string, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	v, err := x.String()
	if err != nil {
		r.errorf(s.Pos, "%s: %v", key, err)
		return false
	}
	*dst = v
	src[key] = s
	return true
}

func (r *reader) integer(dst *int, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	v, err := x.Int64()
	if err != nil {
		r.errorf(s.Pos, "%s: %v", key, err)
		return false
	}
	*dst = int(v)
	src[key] = s
	return true
}

func (r *reader) float(dst *float64, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	v, err := x.Float64()
	if err != nil {
		r.errorf(s.Pos, "%s: %v", key, err)
		return false
	}
	*dst = v
	src[key] = s
	return true
}

func (r *reader) boolean(dst *bool, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	v, err := x.Bool()
	if err != nil {
		r.errorf(s.Pos, "%s: %v", key, err)
		return false
	}
	*dst = v
	src[key] = s
	return true
}

func (r *reader) duration(dst *time.Duration, src catalog.Sources, key string, layers []layer, path ...string) bool {
	var s string
	tmp := catalog.Sources{}
	if !r.str(&s, tmp, key, layers, path...) {
		return false
	}
	d, err := catalog.ParseDuration(s)
	if err != nil {
		r.errorf(tmp[key].Pos, "%s: %q is not a duration: %v", lastKey(key), s, err)
		return false
	}
	*dst = d
	src[key] = tmp[key]
	return true
}

func (r *reader) percent(dst *catalog.Percent, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	p, err := catalog.ParsePercent(fmt.Sprint(x))
	if err != nil {
		r.errorf(s.Pos, "%s: %v is not an exact percentage: %v", lastKey(key), x, err)
		return false
	}
	*dst = p
	src[key] = s
	return true
}

func (r *reader) intOrPercent(dst *catalog.IntOrPercent, src catalog.Sources, key string, layers []layer, path ...string) bool {
	x, s, ok := r.pick(layers, path...)
	if !ok {
		return false
	}
	if i, err := x.Int64(); err == nil {
		*dst = catalog.IntOrPercent{Value: int(i)}
	} else {
		str, _ := x.String()
		var n int
		fmt.Sscanf(strings.TrimSuffix(str, "%"), "%d", &n)
		*dst = catalog.IntOrPercent{Value: n, Percent: true}
	}
	src[key] = s
	return true
}

func lastKey(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// member is one field of a struct-valued map (services, teams, slos, ...).
type member struct {
	name string
	v    cue.Value
	pos  catalog.Pos
}

// members returns the regular fields of v sorted by name, so that the order
// of files and of fields within them never changes the model.
func (r *reader) members(v cue.Value) []member {
	if !v.Exists() {
		return nil
	}
	it, err := v.Fields()
	if err != nil {
		return nil
	}
	var out []member
	for it.Next() {
		x := it.Value()
		out = append(out, member{name: it.Selector().Unquoted(), v: x, pos: r.l.userPos(x)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// checkName reports a map key that is not a DNS-1123 label: names become
// Kubernetes object names, file names and PromQL label values.
func (r *reader) checkName(what string, m member) bool {
	if len(m.name) <= 63 && dnsLabel.MatchString(m.name) {
		return true
	}
	why := "lowercase letters, digits and '-', starting and ending with a letter or digit"
	if len(m.name) > 63 {
		why = "at most 63 characters"
	}
	r.errorf(m.pos, "%s name %q is not a DNS-1123 label (%s): rename it", what, m.name, why)
	return false
}

// littleBulkhead sizes a bulkhead by Little's law with the seed's 1.5 safety
// factor: ceil(peak RPS × p99 × 1.5).
func littleBulkhead(t catalog.Traffic) int {
	return max(1, int(math.Ceil(t.PeakRPS*t.P99.Seconds()*1.5-1e-9)))
}

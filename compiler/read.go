package compiler

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
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

// node is a value of the catalog with its fields read once and kept: the
// matrices are read for every service and edge, and a map lookup is much
// cheaper than CUE's LookupPath.
type node struct {
	v    cue.Value
	key  string // path in the position index
	kids map[string]*node
}

// missing is the node of an absent field; every lookup below it is missing.
var missing = &node{}

func newNode(v cue.Value, key string) *node {
	if !v.Exists() {
		return missing
	}
	return &node{v: v, key: key}
}

// Exists reports whether the field is present.
func (n *node) Exists() bool { return n != missing && n.v.Exists() }

// get returns the field at path below n. Fields are looked up by name and
// kept: CUE's Fields iterator sorts a struct's fields topologically on every
// call, which costs more than reading them.
func (n *node) get(path ...string) *node {
	for _, p := range path {
		if n == missing {
			return missing
		}
		k, ok := n.kids[p]
		if !ok {
			if n.kids == nil {
				n.kids = map[string]*node{}
			}
			k = newNode(n.v.LookupPath(cue.MakePath(cue.Str(p))), joinKey(n.key, p))
			n.kids[p] = k
		}
		n = k
	}
	return n
}

// names lists the regular fields of n (the keys of a map such as services).
func (n *node) names() []string {
	if n == missing {
		return nil
	}
	it, err := n.v.Fields()
	if err != nil {
		return nil
	}
	var out []string
	for it.Next() {
		out = append(out, it.Selector().Unquoted())
	}
	return out
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + pathSep + name
}

// layer is one place a value may come from, most specific first: the edge,
// the service, then the matrices. label is "" for values the user wrote for
// this node, and names the default otherwise ("profile core").
type layer struct {
	n     *node
	label string
}

// sub is the layer of a section of a layer.
func (ly layer) sub(path ...string) layer { return layer{ly.n.get(path...), ly.label} }

func user(n *node) layer { return layer{n: n} }

// pos returns where the user wrote n, or an invalid Pos for values that come
// from the schema alone (defaults the user did not override).
func (r *reader) pos(n *node) catalog.Pos { return r.l.idx[n.key] }

// pick returns the value of the first layer that has path, and its source.
func (r *reader) pick(layers []layer, path ...string) (cue.Value, catalog.Source, bool) {
	for _, ly := range layers {
		x := ly.n.get(path...)
		if !x.Exists() {
			continue
		}
		v := x.v
		if d, ok := v.Default(); ok {
			v = d
		}
		return v, catalog.Source{Pos: r.pos(x), Default: ly.label}, true
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
		r.errorf(s.Pos, "%s: %v is too large: svcgen reads whole numbers up to %d; write a smaller one", lastKey(key), x, int64(math.MaxInt64))
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
		r.errorf(tmp[key].Pos, "%s: %s", lastKey(key), durationMessage(s, err))
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
		n, _ := strconv.Atoi(strings.TrimSuffix(str, "%"))
		*dst = catalog.IntOrPercent{Value: n, Percent: true}
	}
	src[key] = s
	return true
}

// durationMessage says what is wrong with a duration and what to write.
func durationMessage(s string, err error) string {
	const example = `a number and a unit (ms, s, m, h, d or w), e.g. "100ms", "1.5s" or "1h30m"`
	switch t := strings.TrimSpace(s); {
	case t == "":
		return fmt.Sprintf("%q is empty: write %s", s, example)
	case strings.HasPrefix(t, "-"):
		return fmt.Sprintf("%q is negative: a duration is a length of time; write it without the minus sign, e.g. %q", s, strings.TrimPrefix(t, "-"))
	case strings.HasPrefix(t, "+"):
		return fmt.Sprintf("%q has a sign: write it without the plus sign, e.g. %q", s, strings.TrimPrefix(t, "+"))
	case t[0] < '0' || t[0] > '9':
		return fmt.Sprintf("%q is not a duration: write %s", s, example)
	}
	return fmt.Sprintf("%q is not a duration: %v", s, err)
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
	n    *node
	pos  catalog.Pos
}

// members returns the fields of n sorted by name, so that the order of files
// and of fields within them never changes the model.
func (r *reader) members(n *node) []member {
	if !n.Exists() {
		return nil
	}
	names := n.names()
	out := make([]member, 0, len(names))
	for _, name := range names {
		k := n.get(name)
		out = append(out, member{name: name, n: k, pos: r.pos(k)})
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

var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// checkHost reports a host that is not a DNS-1123 subdomain: hosts become
// Istio ServiceEntry hosts and Go client URLs.
func (r *reader) checkHost(host string, pos catalog.Pos) {
	if len(host) <= 253 && dnsSubdomain.MatchString(host) {
		return
	}
	r.errorf(pos, "host: %q is not a DNS name (lowercase letters, digits, '-' and '.', at most 253 characters): write the host only, without scheme, port or path", host)
}

// Package yamlenc encodes Go values as block-style YAML, the way the
// emitters' consumers (Prometheus, Kubernetes, Istio) read them, at a small
// fraction of a general YAML library's cost: go.yaml.in/yaml/v3's emitter
// allocates some fifty bytes per byte it writes, which made YAML encoding
// most of a thousand-service build.
//
// Input: structs with yaml tags (name, omitempty, inline; "-"), maps (keys
// sorted), slices, strings, numbers, booleans, pointers and interfaces,
// yaml.Marshaler and encoding.TextMarshaler values, yaml.Node scalars,
// sequences and mappings, and json.Number. Output: one YAML document.
//
// Strings are written plain only when YAML 1.1 and 1.2 parsers both read
// them back as that same string (a conservative alphabet, no reserved words
// such as "yes" or "null", nothing that looks like a number); every other
// string is double-quoted with escapes both versions understand. Tests hold
// the output to go.yaml.in/yaml/v3's reading of it.
package yamlenc

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Options choose the layout.
type Options struct {
	// CompactSequences writes a sequence's "- " at its key's indentation,
	// as Kubernetes does; otherwise items are indented under their key, as
	// go.yaml.in/yaml/v3 writes them.
	CompactSequences bool
}

// Marshal encodes v as one YAML document.
func Marshal(v any, o Options) ([]byte, error) {
	return Append(nil, v, o)
}

// Append encodes v as one YAML document at the end of dst. It writes as it
// walks the value: no intermediate tree, one pass.
func Append(dst []byte, v any, o Options) ([]byte, error) {
	e := encoder{b: dst, compact: o.CompactSequences}
	x, err := e.resolve(reflect.ValueOf(v), 0)
	if err != nil {
		return dst, err
	}
	switch {
	case x.kind == kindMap && !x.empty:
		err = e.mapping(x, 0, false, 0)
	case x.kind == kindSeq && !x.empty:
		err = e.sequence(x, 0, 0)
	default:
		err = e.inline(x)
		e.b = append(e.b, '\n')
	}
	if err != nil {
		return dst, err
	}
	return e.b, nil
}

var (
	marshalerType     = reflect.TypeFor[yaml.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[isZeroer]()
	nodeType          = reflect.TypeFor[yaml.Node]()
	nodePtrType       = reflect.TypeFor[*yaml.Node]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

const maxDepth = 100

// typeInfo caches what resolve asks of a type: method-set checks cost more
// than the rest of encoding a scalar.
type typeInfo struct {
	marshaler, textMarshaler       bool // the type's own methods
	ptrMarshaler, ptrTextMarshaler bool // through its pointer
	isZeroer                       bool
}

var typeInfos sync.Map // reflect.Type → *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	pt := reflect.PointerTo(t)
	ti := &typeInfo{
		marshaler:        t.Implements(marshalerType),
		textMarshaler:    t.Implements(textMarshalerType),
		ptrMarshaler:     pt.Implements(marshalerType),
		ptrTextMarshaler: pt.Implements(textMarshalerType),
		isZeroer:         t.Implements(isZeroerType),
	}
	typeInfos.Store(t, ti)
	return ti
}

type encoder struct {
	b       []byte
	compact bool
}

type kind byte

const (
	kindScalar kind = iota // text, in written form
	kindMap                // a map, a struct or a mapping node
	kindSeq                // a slice, an array or a sequence node
)

// resolved is a value after pointers, interfaces and marshalers.
type resolved struct {
	kind  kind
	text  string // kindScalar
	v     reflect.Value
	node  *yaml.Node // mapping and sequence nodes
	empty bool
}

func (e *encoder) resolve(v reflect.Value, depth int) (resolved, error) {
	for {
		if depth > maxDepth {
			return resolved{}, errors.New("yamlenc: value nested too deeply (a cycle?)")
		}
		depth++
		if !v.IsValid() {
			return resolved{text: "null"}, nil
		}
		t := v.Type()
		switch t {
		case nodeType:
			n := v.Interface().(yaml.Node)
			return resolveNode(&n)
		case nodePtrType:
			if v.IsNil() {
				return resolved{text: "null"}, nil
			}
			return resolveNode(v.Interface().(*yaml.Node))
		case jsonNumberType:
			return resolved{text: v.String()}, nil
		}
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			return resolved{text: "null"}, nil
		}
		ti := infoOf(t)
		if ti.marshaler {
			out, err := v.Interface().(yaml.Marshaler).MarshalYAML()
			if err != nil {
				return resolved{}, err
			}
			v = reflect.ValueOf(out)
			continue
		}
		if ti.textMarshaler {
			text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
			if err != nil {
				return resolved{}, err
			}
			s, err := scalarString(string(text))
			return resolved{text: s}, err
		}
		if (ti.ptrMarshaler || ti.ptrTextMarshaler) && v.CanAddr() {
			v = v.Addr()
			continue
		}
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			v = v.Elem()
			continue
		case reflect.String:
			s, err := scalarString(v.String())
			return resolved{text: s}, err
		case reflect.Bool:
			return resolved{text: strconv.FormatBool(v.Bool())}, nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return resolved{text: strconv.FormatInt(v.Int(), 10)}, nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return resolved{text: strconv.FormatUint(v.Uint(), 10)}, nil
		case reflect.Float32, reflect.Float64:
			return resolved{text: formatFloat(v.Float(), t.Bits())}, nil
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 {
				return resolved{}, fmt.Errorf("yamlenc: cannot encode %s (binary)", t)
			}
			return resolved{kind: kindSeq, v: v, empty: v.Len() == 0}, nil
		case reflect.Map:
			return resolved{kind: kindMap, v: v, empty: v.Len() == 0}, nil
		case reflect.Struct:
			empty, err := e.structEmpty(v, depth)
			return resolved{kind: kindMap, v: v, empty: empty}, err
		}
		return resolved{}, fmt.Errorf("yamlenc: cannot encode %s", t)
	}
}

func resolveNode(n *yaml.Node) (resolved, error) {
	switch n.Kind {
	case 0:
		return resolved{text: "null"}, nil
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return resolved{}, errors.New("yamlenc: a document node holds one node")
		}
		return resolveNode(n.Content[0])
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			s, err := scalarString(n.Value)
			return resolved{text: s}, err
		case "!!int", "!!float", "!!bool", "!!null":
			return resolved{text: n.Value}, nil
		}
		return resolved{}, fmt.Errorf("yamlenc: cannot encode a scalar tagged %s", n.Tag)
	case yaml.SequenceNode:
		return resolved{kind: kindSeq, node: n, empty: len(n.Content) == 0}, nil
	case yaml.MappingNode:
		return resolved{kind: kindMap, node: n, empty: len(n.Content) == 0}, nil
	}
	return resolved{}, errors.New("yamlenc: aliases are not supported")
}

func (e *encoder) indent(n int) {
	for range n {
		e.b = append(e.b, ' ')
	}
}

// inline writes a scalar or an empty collection.
func (e *encoder) inline(x resolved) error {
	switch {
	case x.kind == kindScalar:
		e.b = append(e.b, x.text...)
	case x.kind == kindMap:
		e.b = append(e.b, "{}"...)
	default:
		e.b = append(e.b, "[]"...)
	}
	return nil
}

// pair writes "key: value" at indentation ind (or continuing the line when
// first is true), the value inline or as a block below.
func (e *encoder) pair(key string, x resolved, ind int, first bool, depth int) error {
	if !first {
		e.indent(ind)
	}
	e.b = append(e.b, key...)
	e.b = append(e.b, ':')
	switch {
	case x.kind == kindScalar || x.empty:
		e.b = append(e.b, ' ')
		e.inline(x)
		e.b = append(e.b, '\n')
		return nil
	case x.kind == kindMap:
		e.b = append(e.b, '\n')
		return e.mapping(x, ind+2, false, depth+1)
	}
	e.b = append(e.b, '\n')
	if e.compact {
		return e.sequence(x, ind, depth+1)
	}
	return e.sequence(x, ind+2, depth+1)
}

// mapping writes a non-empty mapping at indentation ind; its first pair
// continues the current line when first is true (a sequence item).
func (e *encoder) mapping(x resolved, ind int, first bool, depth int) error {
	if depth > maxDepth {
		return errors.New("yamlenc: value nested too deeply (a cycle?)")
	}
	n := 0
	emit := func(key string, v resolved) error {
		err := e.pair(key, v, ind, first && n == 0, depth)
		n++
		return err
	}
	switch {
	case x.node != nil:
		for i := 0; i+1 < len(x.node.Content); i += 2 {
			k := x.node.Content[i]
			if k.Kind != yaml.ScalarNode {
				return errors.New("yamlenc: mapping keys must be scalars")
			}
			key, err := scalarString(k.Value)
			if err != nil {
				return err
			}
			v, err := resolveNode(x.node.Content[i+1])
			if err != nil {
				return err
			}
			if err := emit(key, v); err != nil {
				return err
			}
		}
		return nil
	case x.v.Kind() == reflect.Map:
		return e.mapEntries(x.v, depth, emit)
	}
	return e.structFields(x.v, depth, emit)
}

func (e *encoder) mapEntries(v reflect.Value, depth int, emit func(string, resolved) error) error {
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := it.Key()
		for k.Kind() == reflect.Interface && !k.IsNil() {
			k = k.Elem()
		}
		var key string
		switch k.Kind() {
		case reflect.String:
			key = k.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			key = strconv.FormatInt(k.Int(), 10)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			key = strconv.FormatUint(k.Uint(), 10)
		default:
			return fmt.Errorf("yamlenc: cannot encode a map key of type %s", k.Type())
		}
		entries = append(entries, entry{key, it.Value()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	for _, en := range entries {
		key, err := scalarString(en.key)
		if err != nil {
			return err
		}
		x, err := e.resolve(en.val, depth)
		if err != nil {
			return err
		}
		if err := emit(key, x); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) structFields(v reflect.Value, depth int, emit func(string, resolved) error) error {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return err
	}
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.inline {
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			switch fv.Kind() {
			case reflect.Struct:
				err = e.structFields(fv, depth+1, emit)
			case reflect.Map:
				err = e.mapEntries(fv, depth+1, emit)
			}
			if err != nil {
				return err
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		x, err := e.resolve(fv, depth)
		if err != nil {
			return err
		}
		if err := emit(f.key, x); err != nil {
			return err
		}
	}
	return nil
}

// errNonEmpty stops structEmpty's walk at the first field written.
var errNonEmpty = errors.New("non-empty")

// structEmpty reports whether a struct writes no field: the same walk as
// writing it, stopped at the first field.
func (e *encoder) structEmpty(v reflect.Value, depth int) (bool, error) {
	err := e.structFields(v, depth, func(string, resolved) error { return errNonEmpty })
	if err == errNonEmpty {
		return false, nil
	}
	return err == nil, err
}

func (e *encoder) sequence(x resolved, ind int, depth int) error {
	if depth > maxDepth {
		return errors.New("yamlenc: value nested too deeply (a cycle?)")
	}
	var n int
	if x.node != nil {
		n = len(x.node.Content)
	} else {
		n = x.v.Len()
	}
	for i := range n {
		var item resolved
		var err error
		if x.node != nil {
			item, err = resolveNode(x.node.Content[i])
		} else {
			item, err = e.resolve(x.v.Index(i), depth)
		}
		if err != nil {
			return err
		}
		e.indent(ind)
		e.b = append(e.b, '-')
		switch {
		case item.kind == kindScalar || item.empty:
			e.b = append(e.b, ' ')
			e.inline(item)
			e.b = append(e.b, '\n')
		case item.kind == kindMap:
			e.b = append(e.b, ' ')
			err = e.mapping(item, ind+2, true, depth+1)
		default:
			e.b = append(e.b, '\n')
			err = e.sequence(item, ind+2, depth+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// field is a struct field as the yaml tags describe it.
type field struct {
	index     int
	key       string // written form
	omitEmpty bool
	inline    bool
}

var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) ([]field, error) {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field), nil
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := field{index: i}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "inline":
				f.inline = true
			}
		}
		if !f.inline {
			if name == "" {
				name = strings.ToLower(sf.Name)
			}
			s, err := scalarString(name)
			if err != nil {
				return nil, err
			}
			f.key = s
		}
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out, nil
}

type isZeroer interface{ IsZero() bool }

// isEmpty is omitempty's test, as go.yaml.in/yaml/v3 applies it: zero
// values, empty collections, and values whose IsZero method says so.
func isEmpty(v reflect.Value) bool {
	if infoOf(v.Type()).isZeroer {
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			return true
		}
		return v.Interface().(isZeroer).IsZero()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		if v.Type() == nodeType {
			return v.Field(0).Uint() == 0 // Kind, the first field of yaml.Node
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && !isEmpty(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return v.IsZero()
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case math.IsNaN(f):
		return ".nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	// Exponents read as floats only with a mantissa YAML 1.1 accepts.
	if strings.ContainsAny(s, "e") && !strings.Contains(s, ".") {
		mant, exp, _ := strings.Cut(s, "e")
		s = mant + ".0e" + exp
	}
	return s
}

// scalarString writes s plain when that reads back as s in YAML 1.1 and
// 1.2, single-quoted when it has no line breaks or control characters (no
// escapes but ” to read past), and double-quoted otherwise.
func scalarString(s string) (string, error) {
	if plainSafe(s) { // ASCII only, so valid UTF-8
		return s, nil
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("yamlenc: %q is not valid UTF-8", s)
	}
	if singleQuotable(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	}
	return quote(s), nil
}

func singleQuotable(s string) bool {
	if strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return false // single-quoted scalars fold surrounding spaces of lines
	}
	for _, r := range s {
		if !printable(r) {
			return false
		}
	}
	return true
}

// printable reports whether r may stand unescaped in a YAML scalar on one
// line: YAML's printable set without line breaks and the byte-order mark.
func printable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff:
		return r != 0x2028 && r != 0x2029
	case r >= 0xe000 && r <= 0xfffd:
		return r != 0xfeff
	case r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// reserved are the plain scalars YAML 1.1 or 1.2 reads as booleans or null.
var reserved = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

func plainSafe(s string) bool {
	if s == "" || len(s) > 512 || len(s) <= 5 && reserved[s] {
		return false
	}
	c := s[0]
	if c >= '0' && c <= '9' {
		if !unitLike(s) && !strings.ContainsAny(s, notNumeric) {
			return false
		}
	} else if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_') {
		return false
	}
	last := s[len(s)-1]
	if last == ' ' || last == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		// Indicators only matter at the start of a plain scalar, and flow
		// indicators only in flow context: after a letter, in block
		// context, both YAML 1.1 and 1.2 read them as text (PromQL stays
		// readable: sum(rate(x{a="b"}[5m]))).
		case strings.IndexByte("_./-@%+=(),;$^<>~!?&*|{}[]\"'`#", c) >= 0:
		case c == ':':
			if i+1 < len(s) && s[i+1] == ' ' {
				return false
			}
		case c == ' ':
			if i+1 < len(s) && (s[i+1] == '#' || s[i+1] == ' ') {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// notNumeric are characters no YAML number, timestamp or sexagesimal
// contains: a string starting with a digit that holds one of them ("1 - x")
// reads as a string.
const notNumeric = "ghijklmnpqrsuvwyGHIJKLMNPQRSUVWY(){}[]\"'=*/<>!,;@%&|?~^$`"

// unitLike reports whether s is a number with units, such as the durations
// and quantities manifests are full of ("5m", "1m30s", "2.5s", "256Mi"):
// runs of digits, each followed by letters. No YAML reader takes those for a
// number, except the prefixed integers 0x1f, 0o17 and 0b101, which are
// refused, as are exponents (1e3 ends in digits).
func unitLike(s string) bool {
	if len(s) > 1 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1])) {
		return false
	}
	i := 0
	for i < len(s) {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
		}
		if i == start || i == len(s) {
			return false
		}
		letters := i
		for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			i++
		}
		if i == letters {
			return false
		}
	}
	return true
}

// quote writes s double-quoted with the escapes YAML 1.1 and 1.2 share.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			switch {
			case printable(r):
				b.WriteRune(r)
			case r > 0xffff:
				fmt.Fprintf(&b, `\U%08x`, r)
			default:
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

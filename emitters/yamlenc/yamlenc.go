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
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
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

// Append encodes v as one YAML document at the end of dst.
func Append(dst []byte, v any, o Options) ([]byte, error) {
	n, err := build(reflect.ValueOf(v), 0)
	if err != nil {
		return dst, err
	}
	p := printer{b: dst, compact: o.CompactSequences}
	p.top(n)
	return p.b, nil
}

// node is the encoder's intermediate tree: a scalar already in its written
// form, a mapping or a sequence.
type node struct {
	kind   byte // 's', 'm', 'q'
	text   string
	keys   []string // written form
	values []*node
}

var (
	marshalerType     = reflect.TypeFor[yaml.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	nodeType          = reflect.TypeFor[yaml.Node]()
	jsonNumberType    = reflect.TypeFor[json.Number]()
)

var null = &node{kind: 's', text: "null"}

const maxDepth = 100

func build(v reflect.Value, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("yamlenc: value nested too deeply (a cycle?)")
	}
	if !v.IsValid() {
		return null, nil
	}
	t := v.Type()
	switch {
	case t == nodeType:
		n := v.Interface().(yaml.Node)
		return fromNode(&n, depth)
	case t == jsonNumberType:
		return &node{kind: 's', text: v.String()}, nil
	}
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return null, nil
	}
	if t.Implements(marshalerType) {
		out, err := v.Interface().(yaml.Marshaler).MarshalYAML()
		if err != nil {
			return nil, err
		}
		return build(reflect.ValueOf(out), depth+1)
	}
	if t.Implements(textMarshalerType) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, err
		}
		return stringNode(string(text))
	}
	if v.CanAddr() {
		if pt := reflect.PointerTo(t); pt.Implements(marshalerType) || pt.Implements(textMarshalerType) {
			return build(v.Addr(), depth)
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return build(v.Elem(), depth+1)
	case reflect.String:
		return stringNode(v.String())
	case reflect.Bool:
		return &node{kind: 's', text: strconv.FormatBool(v.Bool())}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &node{kind: 's', text: strconv.FormatInt(v.Int(), 10)}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &node{kind: 's', text: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		return &node{kind: 's', text: formatFloat(v.Float(), t.Bits())}, nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil, fmt.Errorf("yamlenc: cannot encode %s (binary)", t)
		}
		n := &node{kind: 'q', values: make([]*node, v.Len())}
		for i := range v.Len() {
			c, err := build(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			n.values[i] = c
		}
		return n, nil
	case reflect.Map:
		return buildMap(v, depth)
	case reflect.Struct:
		n := &node{kind: 'm'}
		if err := addFields(n, v, depth); err != nil {
			return nil, err
		}
		return n, nil
	}
	return nil, fmt.Errorf("yamlenc: cannot encode %s", t)
}

func buildMap(v reflect.Value, depth int) (*node, error) {
	type entry struct {
		key  string
		text string
		val  reflect.Value
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
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			key = fmt.Sprint(k.Interface())
		default:
			return nil, fmt.Errorf("yamlenc: cannot encode a map key of type %s", k.Type())
		}
		text := key
		if k.Kind() == reflect.String {
			s, err := stringNode(key)
			if err != nil {
				return nil, err
			}
			text = s.text
		}
		entries = append(entries, entry{key, text, it.Value()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	n := &node{kind: 'm', keys: make([]string, len(entries)), values: make([]*node, len(entries))}
	for i, e := range entries {
		c, err := build(e.val, depth+1)
		if err != nil {
			return nil, err
		}
		n.keys[i], n.values[i] = e.text, c
	}
	return n, nil
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
			s, err := stringNode(name)
			if err != nil {
				return nil, err
			}
			f.key = s.text
		}
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out, nil
}

func addFields(n *node, v reflect.Value, depth int) error {
	fields, err := fieldsOf(v.Type())
	if err != nil {
		return err
	}
	for _, f := range fields {
		fv := v.Field(f.index)
		if f.inline {
			for fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					break
				}
				fv = fv.Elem()
			}
			switch fv.Kind() {
			case reflect.Struct:
				if err := addFields(n, fv, depth+1); err != nil {
					return err
				}
			case reflect.Map:
				m, err := buildMap(fv, depth+1)
				if err != nil {
					return err
				}
				n.keys = append(n.keys, m.keys...)
				n.values = append(n.values, m.values...)
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		c, err := build(fv, depth+1)
		if err != nil {
			return err
		}
		n.keys = append(n.keys, f.key)
		n.values = append(n.values, c)
	}
	return nil
}

type isZeroer interface{ IsZero() bool }

// isEmpty is omitempty's test, as go.yaml.in/yaml/v3 applies it: zero
// values, empty collections, and values whose IsZero method says so.
func isEmpty(v reflect.Value) bool {
	if z, ok := v.Interface().(isZeroer); ok {
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		if v.Type() == nodeType {
			n := v.Interface().(yaml.Node)
			return n.Kind == 0
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

func fromNode(n *yaml.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("yamlenc: node nested too deeply")
	}
	switch n.Kind {
	case 0:
		return null, nil
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return nil, errors.New("yamlenc: a document node holds one node")
		}
		return fromNode(n.Content[0], depth+1)
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return stringNode(n.Value)
		case "!!int", "!!float", "!!bool", "!!null":
			return &node{kind: 's', text: n.Value}, nil
		}
		return nil, fmt.Errorf("yamlenc: cannot encode a scalar tagged %s", n.Tag)
	case yaml.SequenceNode:
		out := &node{kind: 'q'}
		for _, c := range n.Content {
			x, err := fromNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			out.values = append(out.values, x)
		}
		return out, nil
	case yaml.MappingNode:
		out := &node{kind: 'm'}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, errors.New("yamlenc: mapping keys must be scalars")
			}
			key, err := stringNode(k.Value)
			if err != nil {
				return nil, err
			}
			v, err := fromNode(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out.keys = append(out.keys, key.text)
			out.values = append(out.values, v)
		}
		return out, nil
	}
	return nil, errors.New("yamlenc: aliases are not supported")
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

// stringNode writes s plain when that reads back as s in YAML 1.1 and 1.2,
// single-quoted when it has no line breaks or control characters (no
// escapes but ” to read past), and double-quoted otherwise.
func stringNode(s string) (*node, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("yamlenc: %q is not valid UTF-8", s)
	}
	if plainSafe(s) {
		return &node{kind: 's', text: s}, nil
	}
	if singleQuotable(s) {
		return &node{kind: 's', text: "'" + strings.ReplaceAll(s, "'", "''") + "'"}, nil
	}
	return &node{kind: 's', text: quote(s)}, nil
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
	if s == "" || len(s) > 512 || reserved[s] {
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

type printer struct {
	b       []byte
	compact bool
}

func (p *printer) indent(n int) {
	for range n {
		p.b = append(p.b, ' ')
	}
}

func (p *printer) top(n *node) {
	switch {
	case n.kind == 'm' && len(n.keys) > 0:
		p.mapping(n, 0, false)
	case n.kind == 'q' && len(n.values) > 0:
		p.sequence(n, 0)
	default:
		p.inline(n)
		p.b = append(p.b, '\n')
	}
}

// inline writes a scalar or an empty collection.
func (p *printer) inline(n *node) {
	switch n.kind {
	case 'm':
		p.b = append(p.b, "{}"...)
	case 'q':
		p.b = append(p.b, "[]"...)
	default:
		p.b = append(p.b, n.text...)
	}
}

func (p *printer) block(n *node) bool {
	return n.kind == 'm' && len(n.keys) > 0 || n.kind == 'q' && len(n.values) > 0
}

// mapping writes n's pairs at indentation ind; the first pair continues the
// current line when first is true (a mapping that is a sequence item).
func (p *printer) mapping(n *node, ind int, first bool) {
	for i, k := range n.keys {
		if i > 0 || !first {
			p.indent(ind)
		}
		p.b = append(p.b, k...)
		p.b = append(p.b, ':')
		v := n.values[i]
		if !p.block(v) {
			p.b = append(p.b, ' ')
			p.inline(v)
			p.b = append(p.b, '\n')
			continue
		}
		p.b = append(p.b, '\n')
		if v.kind == 'm' {
			p.mapping(v, ind+2, false)
		} else if p.compact {
			p.sequence(v, ind)
		} else {
			p.sequence(v, ind+2)
		}
	}
}

func (p *printer) sequence(n *node, ind int) {
	for _, v := range n.values {
		p.indent(ind)
		p.b = append(p.b, '-')
		switch {
		case !p.block(v):
			p.b = append(p.b, ' ')
			p.inline(v)
			p.b = append(p.b, '\n')
		case v.kind == 'm':
			p.b = append(p.b, ' ')
			p.mapping(v, ind+2, true)
		default:
			p.b = append(p.b, '\n')
			p.sequence(v, ind+2)
		}
	}
}

// Buffer is a convenience for emitters that write several documents: it
// appends documents separated by "---".
type Buffer struct {
	bytes.Buffer
	docs int
}

// Document appends v as the next document.
func (b *Buffer) Document(v any, o Options) error {
	if b.docs > 0 {
		b.WriteString("---\n")
	}
	data, err := Append(b.AvailableBuffer(), v, o)
	if err != nil {
		return err
	}
	b.Write(data)
	b.docs++
	return nil
}

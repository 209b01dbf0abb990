// Package catalogjson emits the resolved catalog as catalog.json: every
// service, SLO and dependency with every default filled in, so that a pull
// request shows what a one-line catalog change does to the values every
// other target is generated from.
//
// Input: a *catalog.Catalog. Output: one file, catalog.json, with fields in
// the model's declaration order, durations written as "2.29s" and
// percentages as exact decimals. Source positions are left out: they move
// whenever a line is added above them.
package catalogjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/emit"
)

// Emitter writes catalog.json.
type Emitter struct{}

// Name implements emit.Emitter.
func (Emitter) Name() string { return "catalog" }

// Path is the file the emitter writes.
const Path = "catalog.json"

// Emit returns the target's one file.
func (e Emitter) Emit(c *catalog.Catalog) ([]emit.File, error) { return emit.Collect(c, e) }

// EmitTo implements emit.Emitter.
func (Emitter) EmitTo(c *catalog.Catalog, out func(emit.File) error) error {
	var b bytes.Buffer
	if err := encode(&b, reflect.ValueOf(c).Elem(), ""); err != nil {
		return err
	}
	b.WriteByte('\n')
	return out(emit.File{Path: Path, Data: b.Bytes()})
}

var (
	durationType  = reflect.TypeFor[time.Duration]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

// encode writes v as indented JSON. It is encoding/json's walk with two
// differences the reader of a pull request cares about: struct fields keep
// their declaration order, and durations read as durations.
func encode(b *bytes.Buffer, v reflect.Value, indent string) error {
	if v.Type() == durationType {
		return quote(b, catalog.FormatDuration(time.Duration(v.Int())))
	}
	if v.Type().Implements(marshalerType) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		data, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		b.Write(data)
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encode(b, v.Elem(), indent)
	case reflect.Struct:
		return encodeStruct(b, v, indent)
	case reflect.Slice:
		if v.Len() == 0 {
			b.WriteString("[]")
			return nil
		}
		inner := indent + "  "
		b.WriteString("[\n")
		for i := range v.Len() {
			b.WriteString(inner)
			if err := encode(b, v.Index(i), inner); err != nil {
				return err
			}
			if i < v.Len()-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
		return nil
	case reflect.String:
		return quote(b, v.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
		return nil
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
		return nil
	}
	return fmt.Errorf("catalogjson: cannot encode %s", v.Type())
}

func encodeStruct(b *bytes.Buffer, v reflect.Value, indent string) error {
	type field struct {
		name string
		v    reflect.Value
	}
	var fields []field
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		fv := v.Field(i)
		if (strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")) && fv.IsZero() {
			continue
		}
		fields = append(fields, field{name, fv})
	}
	if len(fields) == 0 {
		b.WriteString("{}")
		return nil
	}
	inner := indent + "  "
	b.WriteString("{\n")
	for i, f := range fields {
		b.WriteString(inner)
		quote(b, f.name)
		b.WriteString(": ")
		if err := encode(b, f.v, inner); err != nil {
			return err
		}
		if i < len(fields)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + "}")
	return nil
}

// quote writes s as a JSON string without encoding/json's HTML escaping,
// which would turn every & in a URL into \u0026.
func quote(b *bytes.Buffer, s string) error {
	var q bytes.Buffer
	enc := json.NewEncoder(&q)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(q.Bytes(), []byte("\n")))
	return nil
}

package catalog

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"
)

// The model marshals with encoding/json as catalog.json shows it: fields in
// declaration order under their json tags (encoding/json's own order),
// durations as the catalog writes them ("2.29s", FormatDuration) rather than
// as nanoseconds, and a list that is empty as [] rather than null. The types
// with a duration or a list field get a MarshalJSON that encodes a view of
// themselves with those two changes; TestMarshalersCoverModel keeps that
// list complete.

func (c Catalog) MarshalJSON() ([]byte, error)         { return marshalView(c) }
func (m Metrics) MarshalJSON() ([]byte, error)         { return marshalView(m) }
func (s Service) MarshalJSON() ([]byte, error)         { return marshalView(s) }
func (t Traffic) MarshalJSON() ([]byte, error)         { return marshalView(t) }
func (p Probe) MarshalJSON() ([]byte, error)           { return marshalView(p) }
func (a ServiceAlerting) MarshalJSON() ([]byte, error) { return marshalView(a) }
func (o SLO) MarshalJSON() ([]byte, error)             { return marshalView(o) }
func (t Timeouts) MarshalJSON() ([]byte, error)        { return marshalView(t) }
func (r Retry) MarshalJSON() ([]byte, error)           { return marshalView(r) }
func (b Breaker) MarshalJSON() ([]byte, error)         { return marshalView(b) }
func (b Bulkhead) MarshalJSON() ([]byte, error)        { return marshalView(b) }

// jsonDuration is a duration as catalog.json writes it.
type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) {
	return marshalText(FormatDuration(time.Duration(d)))
}

var durationType = reflect.TypeFor[time.Duration]()

// view is a struct type with the exported fields of a model type, in order
// and with the same tags, its durations as jsonDuration; and, per field,
// the index of the model field it holds.
type view struct {
	t     reflect.Type
	index []int
}

var views sync.Map // reflect.Type → *view

func viewOf(t reflect.Type) *view {
	if v, ok := views.Load(t); ok {
		return v.(*view)
	}
	v := &view{}
	var fields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Type == durationType {
			f.Type = reflect.TypeFor[jsonDuration]()
		}
		f.Index, f.Offset = nil, 0
		fields = append(fields, f)
		v.index = append(v.index, i)
	}
	v.t = reflect.StructOf(fields)
	views.Store(t, v)
	return v
}

// marshalView encodes the struct x through its view, which has no methods
// (so no MarshalJSON of its own to recurse into).
func marshalView(x any) ([]byte, error) {
	src := reflect.ValueOf(x)
	v := viewOf(src.Type())
	dst := reflect.New(v.t).Elem()
	for i, j := range v.index {
		f, out := src.Field(j), dst.Field(i)
		switch {
		case f.Type() == durationType:
			out.SetInt(f.Int())
		case f.Kind() == reflect.Slice && f.IsNil():
			out.Set(reflect.MakeSlice(f.Type(), 0, 0))
		default:
			out.Set(f)
		}
	}
	return marshalText(dst.Interface())
}

// marshalText is json.Marshal without its HTML escaping, which would write
// every & of a runbook URL as \u0026 (the encoder that calls a MarshalJSON
// does not undo it).
func marshalText(x any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// needsView reports whether struct type t has a field encoding/json would
// write other than catalog.json does: a duration, or a list without
// omitempty (nil would be null).
func needsView(t reflect.Type) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		_, opts, _ := strings.Cut(tag, ",")
		if f.Type == durationType || f.Type.Kind() == reflect.Slice && !strings.Contains(opts, "omitempty") {
			return true
		}
	}
	return false
}

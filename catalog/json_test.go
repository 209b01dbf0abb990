package catalog

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMarshalersCoverModel: every struct type reachable from Catalog whose
// fields encoding/json would write differently from catalog.json (a
// duration, a list that may be nil) marshals through its view, so a field
// added to the model later cannot print as nanoseconds or null.
func TestMarshalersCoverModel(t *testing.T) {
	marshaler := reflect.TypeFor[json.Marshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] || ty.PkgPath() != reflect.TypeFor[Catalog]().PkgPath() {
			return
		}
		seen[ty] = true
		if needsView(ty) && !ty.Implements(marshaler) {
			t.Errorf("%s has a duration or list field but no MarshalJSON (add one to json.go)", ty.Name())
		}
		for i := range ty.NumField() {
			if f := ty.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[Catalog]())
	if len(seen) < 20 {
		t.Fatalf("walked only %d model types", len(seen))
	}
}

func TestMarshalJSON(t *testing.T) {
	s := &Service{
		Name:    "a&b",
		Traffic: &Traffic{PeakRPS: 150, P99: 2290 * time.Millisecond},
		SLOs:    []*SLO{{Name: "latency", Period: 30 * Day, Threshold: 100 * time.Millisecond}},
	}
	data, err := marshalText(s) // json.Marshal with SetEscapeHTML(false), as catalog.json is written
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{`"name":"a&b"`, `"p99":"2.29s"`, `"period":"30d"`, `"threshold":"100ms"`, `"dependencies":[]`} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %s in\n%s", want, text)
		}
	}
	if strings.Contains(text, "ignores") || strings.Contains(text, "traffic\":null") {
		t.Errorf("omitempty fields written:\n%s", text)
	}
}

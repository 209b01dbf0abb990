package all_test

import (
	"slices"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
)

// Every target can be turned off in the catalog, and every file a target
// writes is its own by TargetOf: what `build --target` keeps and `diff
// --target` compares rests on it.
func TestTargetsOwnTheirFiles(t *testing.T) {
	var on catalog.Targets
	var switches []string
	for _, f := range on.Fields() {
		switches = append(switches, f.Name)
	}
	if !slices.Equal(switches, all.Names()) {
		t.Fatalf("settings.targets switches %v, emitters %v: each emitter needs one, in report order", switches, all.Names())
	}
	c := examples.Compile(t, "shop")
	for _, e := range all.Emitters() {
		files, err := emit.Collect(c, e)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Errorf("%s wrote nothing for examples/shop", e.Name())
		}
		for _, f := range files {
			if got := all.TargetOf(f.Path); got != e.Name() {
				t.Errorf("%s writes %s, which TargetOf gives to %q", e.Name(), f.Path, got)
			}
		}
	}
}

func TestSelect(t *testing.T) {
	c := examples.Compile(t, "minimal")
	names := func(es []emit.Emitter) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	got, err := all.Select(c, nil)
	if err != nil || !slices.Equal(names(got), all.Names()) {
		t.Errorf("Select with every target on = %v, %v; want all of them", names(got), err)
	}
	c.Settings.Targets.Istio, c.Settings.Targets.Go = false, false
	got, err = all.Select(c, nil)
	if want := []string{"catalog", "prometheus", "alertmanager", "grafana", "kubernetes", "runbooks", "otelcol"}; err != nil || !slices.Equal(names(got), want) {
		t.Errorf("Select without istio and go = %v, %v; want %v", names(got), err, want)
	}
	got, err = all.Select(c, []string{"grafana", "prometheus"})
	if want := []string{"prometheus", "grafana"}; err != nil || !slices.Equal(names(got), want) {
		t.Errorf("Select of grafana,prometheus = %v, %v; want %v in report order", names(got), err, want)
	}
	if _, err := all.Select(c, []string{"istio"}); err == nil {
		t.Error("Select widened the catalog's targets to istio")
	}
	if _, err := all.Select(c, []string{"helm"}); err == nil {
		t.Error("Select accepted a target that does not exist")
	}
}

// The model names an alert class's severity with its own constants (it
// imports nothing of the project); they are the severity label's values.
func TestSeveritiesAgree(t *testing.T) {
	if catalog.SeverityCritical != conventions.SeverityCritical || catalog.SeverityWarning != conventions.SeverityWarning {
		t.Errorf("catalog's severities %q/%q differ from conventions' %q/%q",
			catalog.SeverityCritical, catalog.SeverityWarning, conventions.SeverityCritical, conventions.SeverityWarning)
	}
}

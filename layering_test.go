// Package svcgen_test holds tests of the repository as a whole.
package svcgen_test

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/emitters/all"
)

const module = "github.com/svcgen/svcgen"

// TestLayering keeps the pipeline's layering honest with go list: the
// model and the conventions import nothing of the project, no emitter
// reaches the compiler, and no target reaches another target (what they
// share is in catalog, conventions, emitters/emit, emitters/yamlenc and the
// like, never in each other). Only non-test imports count; tests may check
// one target's output against another's.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, d := range f[1:] {
			if within(d, module) {
				deps[f[0]] = append(deps[f[0]], d)
			}
		}
		if _, ok := deps[f[0]]; !ok {
			deps[f[0]] = nil
		}
	}
	// The targets are the packages of the emitters a build runs.
	var targets []string
	for _, e := range all.Emitters() {
		targets = append(targets, reflect.TypeOf(e).PkgPath())
	}
	if len(targets) < 7 {
		t.Fatalf("only %d targets: %v", len(targets), targets)
	}
	targetOf := func(pkg string) string {
		for _, tg := range targets {
			if within(pkg, tg) {
				return tg
			}
		}
		return ""
	}
	checked := 0
	for pkg, ds := range deps {
		for _, d := range ds {
			switch {
			case pkg == module+"/catalog" || pkg == module+"/conventions":
				t.Errorf("%s imports %s: it must import nothing of svcgen", pkg, d)
			case within(pkg, module+"/emitters") && within(d, module+"/compiler"):
				t.Errorf("%s imports %s: emitters read the model, never the compiler", pkg, d)
			case targetOf(pkg) != "" && targetOf(d) != "" && targetOf(pkg) != targetOf(d):
				t.Errorf("target %s imports target %s: share through a package of both instead", pkg, d)
			}
		}
		checked++
	}
	for _, must := range append([]string{module + "/catalog", module + "/conventions", module + "/compiler"}, targets...) {
		if _, ok := deps[must]; !ok {
			t.Errorf("go list did not list %s", must)
		}
	}
	t.Logf("%d packages checked, targets %v", checked, targets)
}

// within reports whether pkg is path or below it.
func within(pkg, path string) bool { return pkg == path || strings.HasPrefix(pkg, path+"/") }

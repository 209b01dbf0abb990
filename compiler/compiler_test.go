package compiler_test

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/svcgen/svcgen/catalog"
	. "github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/examples/synth"
)

var ignoreIndexes = cmp.Options{
	cmpopts.IgnoreUnexported(catalog.Catalog{}),
	cmp.Comparer(func(a, b catalog.Percent) bool { return a.Cmp(b) == 0 }),
}

// A plain catalog evaluated in chunks yields exactly the model — positions
// and sources included — and the diagnostics of evaluating it whole.
func TestChunkedEqualsWhole(t *testing.T) {
	dirs := map[string]string{}
	for _, name := range examples.Names() {
		dirs[name] = examples.Dir(name)
	}
	big := t.TempDir()
	if err := synth.Write(big, 3*ChunkSize+7); err != nil {
		t.Fatal(err)
	}
	dirs["synth"] = big
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			if plain, err := IsPlain(Config{Dir: dir}); err != nil || !plain {
				t.Fatalf("%s is not plain: %v", name, err)
			}
			chunked, cd, err := Compile(Config{Dir: dir})
			if err != nil || chunked == nil {
				t.Fatalf("chunked: %v %v", err, cd)
			}
			whole, wd, err := Compile(Whole(Config{Dir: dir}))
			if err != nil || whole == nil {
				t.Fatalf("whole: %v %v", err, wd)
			}
			if diff := cmp.Diff(whole, chunked, ignoreIndexes); diff != "" {
				t.Errorf("model (-whole +chunked):\n%s", diff)
			}
			if diff := cmp.Diff(wd, cd); diff != "" {
				t.Errorf("diagnostics (-whole +chunked):\n%s", diff)
			}
		})
	}
}

// A catalog that uses CUE beyond plain data (a reference, a comprehension)
// is evaluated whole and means what its plain twin means.
func TestNonPlainCatalog(t *testing.T) {
	t.Parallel()
	header := "package catalog\n\nsettings: alerting: defaultReceiver: team: \"web\"\nteams: web: receivers: slack: {channel: \"#web\", apiURLFile: \"/s\"}\n"
	plain := compilertest.FS(compilertest.One(header + `
services: a: {team: "web", tier: "high", image: "r/a:1", port: 9000, dependencies: b: {}}
services: b: {team: "web", tier: "high", image: "r/b:1", port: 9000}
`))
	fancy := compilertest.FS(compilertest.One(header + `
_port: 9000
for name in ["a", "b"] {
	services: (name): {team: "web", tier: "high", image: "r/\(name):1", port: _port}
}
services: a: dependencies: b: {}
`))
	if plain, err := IsPlain(Config{FS: fancy}); err != nil || plain {
		t.Fatalf("a catalog with a comprehension counts as plain (%v)", err)
	}
	want, _, err := Compile(Config{FS: plain})
	if err != nil || want == nil {
		t.Fatal(err)
	}
	got, diags, err := Compile(Config{FS: fancy})
	if err != nil || got == nil {
		t.Fatalf("%v %v", err, diags)
	}
	ignorePositions := cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().Type() {
		case reflect.TypeFor[catalog.Pos](), reflect.TypeFor[catalog.Sources]():
			return true
		}
		return false
	}, cmp.Ignore())
	if diff := cmp.Diff(want, got, ignoreIndexes, ignorePositions); diff != "" {
		t.Errorf("model (-plain +comprehension):\n%s", diff)
	}
}

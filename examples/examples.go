// Package examples locates the bundled example catalogs for tests and
// benchmarks: examples/<name> is a catalog, and golden/<name> holds exactly
// what `svcgen build examples/<name>` writes.
package examples

import (
	"path/filepath"
	"runtime"
	"sort"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
)

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Dir returns the directory of the example catalog called name.
func Dir(name string) string { return filepath.Join(Root(), "examples", name) }

// GoldenDir returns the golden output directory of the example called name.
func GoldenDir(name string) string { return filepath.Join(Root(), "golden", name) }

// Names lists the example catalogs (directories of examples/ holding .cue
// files), sorted.
func Names() []string {
	matches, err := filepath.Glob(filepath.Join(Root(), "examples", "*", "*.cue"))
	if err != nil {
		panic(err)
	}
	seen := map[string]bool{}
	var names []string
	for _, m := range matches {
		name := filepath.Base(filepath.Dir(m))
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Compile compiles the example called name and fails tb on any error.
func Compile(tb testing.TB, name string) *catalog.Catalog {
	tb.Helper()
	c, diags, err := compiler.Compile(compiler.Config{Dir: Dir(name)})
	if err != nil {
		tb.Fatalf("compile %s: %v", name, err)
	}
	if c == nil {
		tb.Fatalf("compile %s: %v", name, diags)
	}
	return c
}

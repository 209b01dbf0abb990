// Package compilertest compiles catalogs that tests write, in memory.
//
// Input: a catalog as a map of file names (slash-separated, relative to the
// catalog directory) to contents. Output: what compiler.Compile returns for
// it, read from an fstest.MapFS, so tests need no temporary directory and
// can run in parallel. Positions name the files as the map does
// ("services.cue:3:5").
package compilertest

import (
	"testing"
	"testing/fstest"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/diag"
)

// FS returns files as an in-memory file system.
func FS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text), Mode: 0o644}
	}
	return fsys
}

// Compile compiles files as a catalog with cfg (its Rules, KeepModel,
// MaxFileSize; FS and Dir are set here) and fails tb only when the compiler
// fails as a tool. Mistakes in the catalog come back as diagnostics.
func Compile(tb testing.TB, cfg compiler.Config, files map[string]string) (*catalog.Catalog, diag.List) {
	tb.Helper()
	cfg.FS, cfg.Dir = FS(files), "."
	c, diags, err := compiler.Compile(cfg)
	if err != nil {
		tb.Fatalf("compile: %v", err)
	}
	return c, diags
}

// MustCompile compiles files with every rule and fails tb unless the catalog
// compiles without errors.
func MustCompile(tb testing.TB, files map[string]string) *catalog.Catalog {
	tb.Helper()
	c, diags := Compile(tb, compiler.Config{}, files)
	if c == nil {
		tb.Fatalf("the catalog does not compile:\n%s", Lines(diags))
	}
	return c
}

// One is a catalog of one file, catalog.cue.
func One(src string) map[string]string { return map[string]string{"catalog.cue": src} }

// Rule returns the registered rule called id and fails tb when there is
// none.
func Rule(tb testing.TB, id string) *check.Rule {
	tb.Helper()
	for _, r := range check.All() {
		if r.ID == id {
			return r
		}
	}
	tb.Fatalf("no rule %s is registered", id)
	return nil
}

// Without returns every registered rule but the one called id.
func Without(id string) []*check.Rule {
	var out []*check.Rule
	for _, r := range check.All() {
		if r.ID != id {
			out = append(out, r)
		}
	}
	return out
}

// Lines prints diagnostics one a line, related positions indented below.
func Lines(l diag.List) string {
	var b []byte
	for _, d := range l {
		b = append(b, "\t"+d.String()+"\n"...)
		for _, r := range d.Related {
			b = append(b, "\t\t"+r.Pos.String()+": "+r.Message+"\n"...)
		}
	}
	return string(b)
}

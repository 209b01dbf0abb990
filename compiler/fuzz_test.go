package compiler_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	. "github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
)

// FuzzCompile feeds arbitrary CUE source, as a catalog of two files, to the
// compiler. Whatever the text, Compile must not panic and must not fail as a
// tool (a mistake in a catalog is a diagnostic), must return a model exactly
// when no error was found, and must place every diagnostic in one of the
// catalog's files. A plain catalog is evaluated in chunks; evaluated whole,
// it must yield the same diagnostics, which holds the chunked path to the
// whole one on inputs no test author wrote.
//
// The seed corpus (testdata/fuzz/FuzzCompile) holds the examples, plain and
// not, and catalogs of the bad and vet corpora; `go test` runs it as a plain
// test, `make fuzz` explores from it.
func FuzzCompile(f *testing.F) {
	f.Fuzz(func(t *testing.T, first, second string) {
		files := map[string]string{"a.cue": first, "b.cue": second}
		cfg := Config{FS: compilertest.FS(files)}
		c, diags, err := Compile(cfg)
		if err != nil {
			t.Fatalf("tool failure on a catalog: %v", err)
		}
		if (c != nil) == diags.HasErrors() {
			t.Fatalf("model returned: %v, with %d errors: %v", c != nil, diags.Errors(), diags)
		}
		for _, d := range diags {
			if _, ok := files[d.Pos.Filename]; !ok || d.Pos.Line < 1 {
				t.Fatalf("diagnostic outside the catalog's files: %s", d)
			}
			for _, r := range d.Related {
				if _, ok := files[r.Pos.Filename]; !ok || r.Pos.Line < 1 {
					t.Fatalf("related position outside the catalog's files: %s: %s (of %s)", r.Pos, r.Message, d)
				}
			}
		}
		if plain, err := IsPlain(cfg); err != nil || !plain {
			return
		}
		_, whole, err := Compile(Whole(cfg))
		if err != nil {
			t.Fatalf("tool failure evaluating whole: %v", err)
		}
		if diff := cmp.Diff(whole, diags); diff != "" {
			t.Fatalf("diagnostics of a plain catalog (-whole +chunked):\n%s", diff)
		}
	})
}

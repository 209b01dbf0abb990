package all_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
)

// TestDeterminism builds each example twice: as written, and from a copy
// whose files are renamed into the opposite order and whose struct fields
// (services, dependencies, SLOs, teams: every map) are written in reverse.
// The outputs must be the same bytes.
func TestDeterminism(t *testing.T) {
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			want := render(t, examples.Dir(name))
			shuffled := t.TempDir()
			entries, err := filepath.Glob(filepath.Join(examples.Dir(name), "*.cue"))
			if err != nil {
				t.Fatal(err)
			}
			for i, path := range entries {
				f, err := parser.ParseFile(path, nil, parser.ParseComments)
				if err != nil {
					t.Fatal(err)
				}
				reverseFields(f.Decls)
				data, err := format.Node(f)
				if err != nil {
					t.Fatal(err)
				}
				// File names sort in the opposite order of the originals.
				out := filepath.Join(shuffled, fmt.Sprintf("%02d_%s", len(entries)-i, filepath.Base(path)))
				if err := os.WriteFile(out, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := render(t, shuffled)
			if len(got) != len(want) {
				t.Fatalf("%d files from the shuffled catalog, %d from the original", len(got), len(want))
			}
			for i := range want {
				if got[i].Path != want[i].Path || !bytes.Equal(got[i].Data, want[i].Data) {
					t.Errorf("%s differs between the original and the shuffled catalog", want[i].Path)
				}
			}
		})
	}
}

func render(t *testing.T, dir string) []emit.File {
	t.Helper()
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil || c == nil {
		t.Fatalf("compile %s: %v %v", dir, err, diags)
	}
	out, err := emit.Render(c, all.Emitters())
	if err != nil {
		t.Fatal(err)
	}
	return out.Files()
}

// reverseFields reverses the fields of every struct below decls, keeping
// the package clause and imports first.
func reverseFields(decls []ast.Decl) {
	start := 0
	for start < len(decls) {
		switch decls[start].(type) {
		case *ast.Package, *ast.ImportDecl, *ast.CommentGroup:
			start++
			continue
		}
		break
	}
	slices.Reverse(decls[start:])
	for _, d := range decls {
		if f, ok := d.(*ast.Field); ok {
			if s, ok := f.Value.(*ast.StructLit); ok {
				reverseFields(s.Elts)
			}
		}
	}
}

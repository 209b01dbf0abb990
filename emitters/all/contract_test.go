package all_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/examples/synth"
)

// TestEmitContract holds every target to the emitter contract: its Emit
// returns its files sorted by path, the same files on every call, and the
// same as emit.Collect over its EmitTo. The targets that render services in
// parallel hand files to EmitTo's out in whatever order their workers
// finish, so a catalog of many services makes an unsorted Emit show.
func TestEmitContract(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Write(dir, 40); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"shop": examples.Dir("shop"), "synth40": dir} {
		c, diags, err := compiler.Compile(compiler.Config{Dir: src})
		if err != nil || c == nil {
			t.Fatalf("compile %s: %v %v", src, err, diags)
		}
		for _, e := range all.Emitters() {
			t.Run(name+"/"+e.Name(), func(t *testing.T) {
				target, ok := e.(interface {
					Emit(*catalog.Catalog) ([]emit.File, error)
				})
				if !ok {
					t.Fatalf("%T has no Emit method", e)
				}
				want, err := emit.Collect(c, e)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatal("no files")
				}
				for call := range 5 {
					got, err := target.Emit(c)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.IsSortedFunc(got, func(a, b emit.File) int { return strings.Compare(a.Path, b.Path) }) {
						t.Fatalf("call %d: files not sorted by path: %v", call, paths(got))
					}
					if !slices.EqualFunc(got, want, func(a, b emit.File) bool { return a.Path == b.Path && bytes.Equal(a.Data, b.Data) }) {
						t.Fatalf("call %d: files differ from emit.Collect's:\n%v\nwant\n%v", call, paths(got), paths(want))
					}
				}
			})
		}
	}
}

func paths(files []emit.File) []string {
	var ps []string
	for _, f := range files {
		ps = append(ps, f.Path)
	}
	return ps
}

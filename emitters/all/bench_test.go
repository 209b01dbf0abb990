package all_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples/synth"
)

// BenchmarkBuild measures a whole `svcgen build` of generated catalogs (three
// SLOs and four dependencies per service, every strategy): compile and
// render every target in memory, and the same written to disk.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 5000} {
		dir := b.TempDir()
		if err := synth.Write(dir, n); err != nil {
			b.Fatal(err)
		}
		build := func(b *testing.B) []emit.File {
			c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
			if err != nil || c == nil {
				b.Fatalf("compile: %v %v", err, diags)
			}
			out, err := emit.Render(c, all.Emitters())
			if err != nil {
				b.Fatal(err)
			}
			return out.Files()
		}
		b.Run(fmt.Sprintf("services=%d/memory", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				build(b)
			}
		})
		b.Run(fmt.Sprintf("services=%d/disk", n), func(b *testing.B) {
			b.ReportAllocs()
			out := filepath.Join(b.TempDir(), "gen")
			i := 0
			for b.Loop() {
				// A fresh directory each time: an up-to-date one is not
				// rewritten.
				i++
				if _, err := emit.Write(fmt.Sprintf("%s%d", out, i), build(b)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

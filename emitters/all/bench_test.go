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

// BenchmarkTargets measures each target alone on a compiled catalog of
// 1,000 generated services (3,000 SLOs, 4,000 dependencies).
func BenchmarkTargets(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Write(dir, 1000); err != nil {
		b.Fatal(err)
	}
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil || c == nil {
		b.Fatalf("compile: %v %v", err, diags)
	}
	for _, e := range all.Emitters() {
		b.Run("services=1000/"+e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				files, err := emit.Collect(c, e)
				if err != nil {
					b.Fatal(err)
				}
				size = 0
				for _, f := range files {
					size += len(f.Data)
				}
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB")
		})
	}
}

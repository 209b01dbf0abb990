package compiler_test

import (
	"fmt"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/examples/synth"
)

// BenchmarkCompile measures load → validate → model → checks on generated
// catalogs (3 SLOs and 4 dependencies per service, one file per service).
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := synth.Write(dir, n); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
				if err != nil || c == nil {
					b.Fatalf("compile: %v %v", err, diags)
				}
			}
		})
	}
}

package grafana_test

import (
	"fmt"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/emitters/grafana"
	"github.com/svcgen/svcgen/examples/synth"
)

// BenchmarkEmit renders the dashboards of generated catalogs (three SLOs and
// up to four dependencies per service): the catalog compiled once, the
// dashboards built and encoded each iteration. It reports the output size.
func BenchmarkEmit(b *testing.B) {
	for _, n := range []int{100, 1000} {
		dir := b.TempDir()
		if err := synth.Write(dir, n); err != nil {
			b.Fatal(err)
		}
		c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
		if err != nil || c == nil {
			b.Fatalf("compile: %v %v", err, diags)
		}
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				files, err := grafana.Emitter{}.Emit(c)
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

package all_test

import (
	"os"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
)

// TestGolden compares what a build of each example writes with golden/<name>,
// byte for byte, manifest included. SVCGEN_UPDATE=1 rewrites the goldens
// through the same writer a build uses.
func TestGolden(t *testing.T) {
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			c := examples.Compile(t, name)
			emitters, err := all.Select(c, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := emit.Render(c, emitters)
			if err != nil {
				t.Fatal(err)
			}
			dir := examples.GoldenDir(name)
			if os.Getenv("SVCGEN_UPDATE") != "" {
				// A golden directory holds nothing but the build's output, so
				// it is rewritten from scratch (merged branches can leave a
				// manifest that no longer lists every generated file).
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if _, err := emit.Write(dir, out.Files()); err != nil {
					t.Fatal(err)
				}
				return
			}
			changes, err := emit.Diff(dir, out.Files())
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range changes {
				text := ch.Unified()
				if lines := strings.SplitAfter(text, "\n"); len(lines) > 60 {
					text = strings.Join(lines[:60], "") + "... (diff truncated)\n"
				}
				t.Errorf("golden/%s/%s differs from the build (SVCGEN_UPDATE=1 go test ./... rewrites it after review):\n%s", name, ch.Path, text)
			}
		})
	}
}

package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/svcgen/svcgen/examples"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"svcgen": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts of testdata/script. Each starts in a work
// directory holding copies of examples/ and golden/.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			for _, dir := range []string{"examples", "golden"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, dir), os.DirFS(filepath.Join(examples.Root(), dir))); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

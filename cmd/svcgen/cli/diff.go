package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
)

func (e *env) diffCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "diff [DIR]",
		Short: "Show how the output directory differs from what build would write",
		Long: `diff compiles the catalog in DIR (default ".") and prints a unified diff
between the output directory (default "gen") and what build would write
there. It exits 1 when they differ, so a CI job can fail a pull request
whose generated files drifted from the catalog.`,
		Example: `  # Fail CI when the committed generated files are stale
  svcgen diff -o deploy/generated

  # Review what a catalog change does before building
  svcgen diff examples/shop -o golden/shop`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, err := e.compile(catalogDir(args), e.stderr)
			if err != nil {
				return err
			}
			output, err := emit.Render(c, all.Emitters())
			if err != nil {
				return usageErrorf("%v", err)
			}
			changes, err := emit.Diff(out, output.Files())
			if err != nil {
				return usageErrorf("reading %s: %v", out, err)
			}
			for _, ch := range changes {
				fmt.Fprint(e.stdout, ch.Unified())
			}
			if len(changes) > 0 {
				fmt.Fprintf(e.stderr, "svcgen: %s differs from the catalog in %d %s: run svcgen build\n", out, len(changes), plural(len(changes), "file"))
				return findings
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "gen", "output directory to compare")
	e.diagFormatFlag(cmd)
	return cmd
}

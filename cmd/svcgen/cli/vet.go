package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/compiler/check"
)

func (e *env) vetCommand() *cobra.Command {
	var strict, listRules bool
	cmd := &cobra.Command{
		Use:   "vet [DIR]",
		Short: "Check the catalog in DIR without writing anything",
		Long: `vet compiles the catalog in DIR (default ".") and runs every check that
build would refuse on, and the reliability rules no single consumer can see
(timeout hierarchies, retry amplification, alert routing). It writes
nothing, so it suits a pre-commit hook.

Warnings alone exit 0 unless --strict. A rule can be silenced for one
service or dependency only, with a reason:

  vet: ignore: "rule-id": "why this is fine here"`,
		Example: `  # Check the catalog in the current directory
  svcgen vet

  # Fail on warnings too, and annotate the pull request in GitHub Actions
  svcgen vet --strict --format github examples/shop

  # List the rules
  svcgen vet --list-rules`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if listRules {
				e.listRules()
				return nil
			}
			_, diags, err := e.compile(catalogDir(args), e.stdout)
			if err != nil {
				return err
			}
			if strict && diags.Warnings() > 0 {
				return findings
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	cmd.Flags().BoolVar(&listRules, "list-rules", false, "list the rules and exit")
	e.diagFormatFlag(cmd)
	return cmd
}

func (e *env) listRules() {
	var b strings.Builder
	for _, r := range check.All() {
		fmt.Fprintf(&b, "%-28s %-8s %s\n", r.ID, r.Severity, r.Doc)
	}
	fmt.Fprint(e.stdout, b.String())
}

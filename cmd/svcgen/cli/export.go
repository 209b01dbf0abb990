package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/interop/openslo"
)

func (e *env) exportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the catalog's SLOs in another tool's format",
	}
	cmd.AddCommand(e.exportOpenSLOCommand())
	return cmd
}

func (e *env) exportOpenSLOCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "openslo [DIR] [-o FILE|DIR]",
		Short: "Write the catalog's SLOs as OpenSLO v1 documents",
		Long: `export openslo compiles the catalog in DIR (default ".") and writes OpenSLO v1
documents: an AlertNotificationTarget per team receiver, a Service per
service, and per SLO its SLI (the Prometheus queries, with {{.window}} for
the range), the SLO, and an AlertCondition and AlertPolicy per burn-rate
window pair (pages over 1h/5m and 6h/30m, tickets over 1d/2h and 3d/6h).
What OpenSLO has no field for (tier, image, latency threshold, receiver
secret files) is kept in svcgen.dev/ annotations, so that
'svcgen import openslo' restores it.

Without -o the documents go to stdout; with -o FILE.yaml into that file;
with -o DIR one file per service and notification-targets.yaml.`,
		Example: `  svcgen export openslo examples/shop -o shop-openslo.yaml`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, _, err := e.compile(catalogDir(args), e.stderr)
			if err != nil {
				return err
			}
			docs, err := openslo.Export(c)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if out == "" {
				b, err := openslo.Marshal(docs)
				if err != nil {
					return usageErrorf("%v", err)
				}
				_, err = e.stdout.Write(b)
				return err
			}
			if ext := filepath.Ext(out); ext == ".yaml" || ext == ".yml" {
				b, err := openslo.Marshal(docs)
				if err != nil {
					return usageErrorf("%v", err)
				}
				if err := os.WriteFile(out, b, 0o644); err != nil {
					return usageErrorf("%v", err)
				}
				return nil
			}
			groups := map[string][]openslo.Document{}
			var order []string
			for _, d := range docs {
				name := d.Service
				if name == "" {
					name = "notification-targets"
				}
				if _, ok := groups[name]; !ok {
					order = append(order, name)
				}
				groups[name] = append(groups[name], d)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usageErrorf("%v", err)
			}
			for _, name := range order {
				b, err := openslo.Marshal(groups[name])
				if err != nil {
					return usageErrorf("%v", err)
				}
				if err := os.WriteFile(filepath.Join(out, strings.TrimSpace(name)+".yaml"), b, 0o644); err != nil {
					return usageErrorf("%v", err)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "a .yaml file, or a directory for one file per service (default stdout)")
	return cmd
}

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/interop/draft"
	"github.com/svcgen/svcgen/interop/openslo"
	"github.com/svcgen/svcgen/interop/sloth"
	"github.com/svcgen/svcgen/interop/specyaml"
)

func (e *env) importCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write a catalog from Sloth or OpenSLO specs",
		Long: `import reads SLO specs written for another tool and writes a catalog that
vet passes and build builds: one .cue file per service, teams.cue and
settings.cue. Values the spec does not say (an image, a tier, receiver
secret files) are written with a "TODO(svcgen import)" comment and listed
on stderr. Whatever the catalog cannot express is refused at its position
(exit 1, nothing written), or imported with a warning naming what was
dropped.`,
	}
	cmd.AddCommand(e.importSubcommand("sloth", "Sloth prometheus/v1 specs and PrometheusServiceLevel objects", importSloth),
		e.importSubcommand("openslo", "OpenSLO v1 documents (Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget)", importOpenSLO))
	return cmd
}

type importResult struct {
	catalog  *draft.Catalog
	warnings []*specyaml.Error
	errors   []*specyaml.Error
}

type importer func(files []string) (*importResult, error)

func (e *env) importSubcommand(name, what string, run importer) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   name + " PATH... -o DIR",
		Short: "Write a catalog from " + what,
		Long: "import " + name + " reads " + what + ` from each PATH (a file, or
every .yaml and .yml file of a directory) and writes a catalog into DIR,
which must not hold .cue files yet. The written catalog is compiled at
once, and its findings are printed as vet prints them.`,
		Example: "  svcgen import " + name + " slos/ -o catalog\n  svcgen vet catalog",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("import %s: -o DIR is required", name)
			}
			files, err := specFiles(args)
			if err != nil {
				return err
			}
			res, err := run(files)
			if err != nil {
				return err
			}
			return e.writeImport(res, out)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "directory to write the catalog into")
	return cmd
}

// specFiles expands directories into their YAML files, sorted.
func specFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		var found []string
		for _, de := range ents {
			if ext := filepath.Ext(de.Name()); de.Type().IsRegular() && (ext == ".yaml" || ext == ".yml") {
				found = append(found, filepath.Join(a, de.Name()))
			}
		}
		if len(found) == 0 {
			return nil, usageErrorf("%s holds no .yaml or .yml file", a)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

func importSloth(files []string) (*importResult, error) {
	var specs []*sloth.Spec
	var errs []*specyaml.Error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		s, err := sloth.Parse(f, data)
		if err != nil {
			errs = append(errs, asSpecError(f, err))
			continue
		}
		specs = append(specs, s...)
	}
	r := sloth.Import(specs)
	return &importResult{catalog: r.Catalog, warnings: r.Warnings, errors: append(errs, r.Errors...)}, nil
}

func importOpenSLO(files []string) (*importResult, error) {
	var docs []*openslo.Object
	var errs []*specyaml.Error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		d, err := openslo.Parse(f, data)
		if err != nil {
			errs = append(errs, asSpecError(f, err))
			continue
		}
		docs = append(docs, d...)
	}
	r := openslo.Import(docs)
	return &importResult{catalog: r.Catalog, warnings: r.Warnings, errors: append(errs, r.Errors...)}, nil
}

func asSpecError(file string, err error) *specyaml.Error {
	if se, ok := err.(*specyaml.Error); ok {
		return se
	}
	return &specyaml.Error{Pos: specyaml.Pos{File: file}, Msg: err.Error()}
}

// writeImport prints the findings and, when there are no errors, writes
// the catalog and compiles it.
func (e *env) writeImport(res *importResult, out string) error {
	var b strings.Builder
	for _, w := range res.warnings {
		fmt.Fprintf(&b, "%s: warning: %s\n", w.Pos, w.Msg)
	}
	for _, x := range res.errors {
		fmt.Fprintf(&b, "%s: %s\n", x.Pos, x.Msg)
	}
	fmt.Fprint(e.stderr, b.String())
	if len(res.errors) > 0 {
		fmt.Fprintf(e.stderr, "svcgen: nothing imported: %d error(s)\n", len(res.errors))
		return findings
	}
	if len(res.catalog.Services) == 0 {
		return &exitError{code: ExitFindings, msg: "nothing imported: the specs declare no service"}
	}
	files, err := res.catalog.Files()
	if err != nil {
		return usageErrorf("%v", err)
	}
	if ents, err := os.ReadDir(out); err == nil {
		for _, de := range ents {
			if filepath.Ext(de.Name()) == ".cue" {
				return usageErrorf("%s already holds a catalog (%s): import into a new directory", out, de.Name())
			}
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return usageErrorf("%v", err)
	}
	names := draft.FileNames(files)
	if err := writeAll(out, names, files); err != nil {
		return usageErrorf("%v", err)
	}
	b.Reset()
	fmt.Fprintf(&b, "svcgen: wrote %d files to %s\n", len(names), out)
	if len(res.catalog.Fills) > 0 {
		fmt.Fprintf(&b, "svcgen: fill in %d values marked %s:\n", len(res.catalog.Fills), draft.Fill)
		for _, f := range res.catalog.Fills {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	fmt.Fprint(e.stderr, b.String())
	_, _, err = e.compile(out, e.stderr)
	return err
}

// writeAll writes every file into dir or none: each goes to a temporary
// file first, and only when all are written are they renamed into place,
// so a full disk or a failed rename never leaves half a catalog behind.
func writeAll(dir string, names []string, files map[string][]byte) (err error) {
	temps := make([]string, 0, len(names))
	defer func() {
		if err != nil {
			for _, t := range temps {
				os.Remove(t)
			}
		}
	}()
	for _, n := range names {
		f, err := os.CreateTemp(dir, ".import-*")
		if err != nil {
			return err
		}
		temps = append(temps, f.Name())
		_, werr := f.Write(files[n])
		cerr := f.Close()
		if werr != nil {
			return werr
		}
		if cerr != nil {
			return cerr
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return err
		}
	}
	// writeImport refused a directory holding any .cue file, so a target
	// renamed into place here is ours to take back if a later one fails.
	for i, n := range names {
		if err := os.Rename(temps[i], filepath.Join(dir, n)); err != nil {
			for _, done := range names[:i] {
				os.Remove(filepath.Join(dir, done))
			}
			return err
		}
	}
	return nil
}

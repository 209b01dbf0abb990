// Package cli is svcgen's command line: flags, output and exit codes. Each
// command lives in a file of its own; the command tree is built anew for
// every call, so there is no package state for tests to reset.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/diag"
)

// Exit codes.
const (
	// ExitOK: success (and, for diff, no drift).
	ExitOK = 0
	// ExitFindings: the catalog has errors, or diff found drift.
	ExitFindings = 1
	// ExitUsage: bad flags or arguments, or svcgen itself failed.
	ExitUsage = 2
)

// exitError carries an exit code out of a command. Its message, if any, is
// printed once by Main.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, args...)}
}

// findings ends a command with exit code 1 without a further message: the
// diagnostics or the diff already said what is wrong.
var findings = &exitError{code: ExitFindings}

// env is what one invocation of svcgen runs with.
type env struct {
	stdout, stderr io.Writer
	cwd            string
	getenv         func(string) string
	format         diag.Format
	formatFlag     string
}

// Main runs svcgen with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "svcgen:", err)
		return ExitUsage
	}
	e := &env{stdout: stdout, stderr: stderr, cwd: cwd, getenv: os.Getenv}
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err = root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "svcgen:", ee.msg)
		}
		return ee.code
	}
	// Cobra's own errors are about flags and arguments.
	fmt.Fprintf(stderr, "svcgen: %v\nRun 'svcgen --help' for usage.\n", err)
	return ExitUsage
}

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "svcgen",
		Short: "Compile a CUE service catalog into operations config",
		Long: `svcgen compiles one CUE service catalog — teams, tiers, SLOs, timeouts,
retries, circuit breakers, bulkheads and deployment strategies — into
Prometheus rules, Alertmanager routing, Grafana dashboards, Istio and
Kubernetes objects and Go client code, so that they can never drift apart.

Exit codes: 0 success; 1 catalog errors (or drift, for diff); 2 usage
errors or a failure of svcgen itself.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       Version(),
	}
	root.SetVersionTemplate("svcgen {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v\nRun '%s --help' for usage.", err, cmd.CommandPath())
	})
	root.AddCommand(e.initCommand(), e.buildCommand(), e.vetCommand(), e.diffCommand(), e.explainCommand(), e.graphCommand(), e.importCommand(), e.exportCommand(), e.versionCommand())
	return root
}

// diagFormatFlag adds --format for diagnostics to cmd; the value is checked
// before the command runs.
func (e *env) diagFormatFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&e.formatFlag, "format", "text", "diagnostics format: text, json or github (GitHub Actions annotations)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		f, err := diag.ParseFormat(e.formatFlag)
		if err != nil {
			return usageErrorf("--format: %v", err)
		}
		e.format = f
		return nil
	}
}

// catalogDir returns the catalog directory argument, "." by default.
func catalogDir(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// compile compiles dir and prints its diagnostics to w. It returns the
// model, or an exit error when the catalog has errors or svcgen failed.
func (e *env) compile(dir string, w io.Writer) (*catalog.Catalog, diag.List, error) {
	return e.compileWith(compiler.Config{Dir: dir}, w)
}

// compileWith is compile with more of the compiler's configuration.
func (e *env) compileWith(cfg compiler.Config, w io.Writer) (*catalog.Catalog, diag.List, error) {
	c, diags, err := compiler.Compile(cfg)
	if err != nil {
		return nil, nil, usageErrorf("%v", err)
	}
	if err := diag.Write(w, diags, e.format, e.cwd); err != nil {
		return nil, nil, usageErrorf("%v", err)
	}
	if c == nil {
		return nil, diags, findings
	}
	return c, diags, nil
}

// checkOutputDir refuses an output directory a build must not replace: an
// empty name, the working directory or one of its ancestors, the catalog or
// an ancestor of it (replacing it would take the catalog with it). Paths are
// compared with symbolic links evaluated, as the build will reach them. A
// directory inside the catalog is allowed: ./gen beside the .cue files is
// the documented default, and generated files are never .cue files.
func checkOutputDir(catalogDir, out string) error {
	if out == "" {
		return usageErrorf("-o is empty: name the output directory, e.g. -o gen (svcgen replaces it as a whole)")
	}
	o, err := resolvePath(out)
	if err != nil {
		return usageErrorf("-o %s: %v", out, err)
	}
	cat, err := resolvePath(catalogDir)
	if err != nil {
		return usageErrorf("%s: %v", catalogDir, err)
	}
	wd, err := resolvePath(".")
	if err != nil {
		return usageErrorf("%v", err)
	}
	const fix = "name a directory of its own, e.g. -o gen"
	switch {
	case o == cat:
		return usageErrorf("output directory %s is the catalog %s: svcgen replaces its output directory as a whole; %s", out, catalogDir, fix)
	case within(o, cat):
		return usageErrorf("output directory %s contains the catalog %s: replacing it would take the catalog with it; %s", out, catalogDir, fix)
	case o == wd:
		return usageErrorf("output directory %s is the working directory: svcgen replaces its output directory as a whole; %s", out, fix)
	case within(o, wd):
		return usageErrorf("output directory %s contains the working directory: svcgen replaces its output directory as a whole; %s", out, fix)
	}
	return nil
}

// within reports whether p is strictly inside dir. Both are clean absolute
// paths; filepath.Rel decides, not a string prefix (out/..cat is inside out).
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == "." {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// resolvePath returns p absolute and with symbolic links evaluated, as far
// as it exists: the part that does not exist yet is joined on unchanged.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; {
		if ev, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(ev, rest), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

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

// checkOutputDir refuses an output directory that is, or contains, the
// catalog: replacing it would take the catalog with it.
func checkOutputDir(catalogDir, out string) error {
	cat, err := filepath.Abs(catalogDir)
	if err != nil {
		return usageErrorf("%v", err)
	}
	o, err := filepath.Abs(out)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if evaluated, err := filepath.EvalSymlinks(cat); err == nil {
		cat = evaluated
	}
	if evaluated, err := filepath.EvalSymlinks(o); err == nil {
		o = evaluated
	}
	rel, err := filepath.Rel(o, cat)
	if err == nil && (rel == "." || !strings.HasPrefix(rel, "..")) {
		return usageErrorf("output directory %s contains the catalog %s: choose another -o", out, catalogDir)
	}
	return nil
}

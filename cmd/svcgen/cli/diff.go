package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
)

// driftRule is the rule name drifted files carry in --format json and github,
// where each is reported as an error at the generated file.
const driftRule = "drift"

// diffView is how diff shows the files that drifted.
type diffView int

const (
	viewPatch diffView = iota // a unified diff (the default)
	viewStat                  // one line a file with its changed line counts
	viewNames                 // the paths alone
	viewQuiet                 // nothing: the exit code says it
)

func (e *env) diffCommand() *cobra.Command {
	var (
		out                  string
		targets              []string
		stat, names, quiet   bool
		noCatalogDiagnostics bool
		lockTimeout          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "diff [DIR]",
		Short: "Show how the output directory differs from what build would write",
		Long: `diff compiles the catalog in DIR (default ".") and prints a unified diff
between the output directory (default "gen") and what build would write
there. It exits 1 when they differ, so a CI job can fail a pull request
whose generated files drifted from the catalog.

--stat, --name-only and --quiet print less: a line a file with its changed
line counts, the paths alone, or nothing. With --format json the drifted
files are listed with the catalog's diagnostics (rule "drift"); with
--format github each one annotates its generated file.

The output directory must exist and hold the .svcgen-manifest a build
writes: a mistyped -o is said in one line, not shown as a diff that adds
every file.`,
		Example: `  # Fail CI when the committed generated files are stale
  svcgen diff -o deploy/generated

  # Only which files drifted, and by how much
  svcgen diff --stat -o deploy/generated

  # Annotate the drifted files on a pull request
  svcgen diff --format github -o deploy/generated

  # Review what a catalog change does before building
  svcgen diff examples/shop -o golden/shop`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			view := viewPatch
			set := 0
			for _, f := range []struct {
				on bool
				v  diffView
			}{{stat, viewStat}, {names, viewNames}, {quiet, viewQuiet}} {
				if f.on {
					view = f.v
					set++
				}
			}
			if set > 1 {
				return usageErrorf("--stat, --name-only and --quiet exclude each other")
			}
			if err := checkDiffDir(out); err != nil {
				return err
			}
			// Text diagnostics go to stderr before the diff; JSON and
			// GitHub output is one document with the drift in it, so the
			// catalog's findings are held back until the drift is known.
			diagOut := e.stderr
			structured := e.format != diag.Text
			if structured || noCatalogDiagnostics || view == viewQuiet {
				diagOut = io.Discard
			}
			c, diags, err := e.compile(catalogDir(args), diagOut)
			if err != nil {
				if errors.Is(err, findings) && noCatalogDiagnostics && !structured {
					return &exitError{code: ExitFindings, msg: "the catalog has errors: run svcgen vet " + catalogDir(args)}
				}
				if errors.Is(err, findings) && structured && !noCatalogDiagnostics {
					_ = diag.Write(e.stdout, diags, e.format, e.cwd)
				}
				return err
			}
			emitters, err := all.Select(c, targets)
			if err != nil {
				return usageErrorf("%v", err)
			}
			output, err := emit.Render(c, emitters)
			if err != nil {
				return usageErrorf("%v", err)
			}
			// A shared lock: a build that swaps the directory in while diff
			// reads it file by file would show a mix of both builds.
			abs, err := filepath.Abs(out)
			if err != nil {
				return usageErrorf("%v", err)
			}
			lock, err := emit.LockDir(out, abs, emit.LockOptions{
				Shared: true,
				Wait:   lockTimeout,
				Waiting: func(holder string) {
					fmt.Fprintf(e.stderr, "svcgen: waiting up to %s for a build%s to finish writing %s\n", lockTimeout, holderNote(holder), out)
				},
			})
			if err != nil {
				return usageErrorf("reading %s: %v", out, err)
			}
			changes, err := emit.Diff(out, output.Files())
			lock.Unlock()
			if err != nil {
				return usageErrorf("reading %s: %v", out, err)
			}
			if len(targets) > 0 {
				// Only the named targets' files: the others' and the
				// manifest, which lists all of them, are not compared.
				changes = slices.DeleteFunc(changes, func(ch emit.Change) bool {
					return ch.Path == emit.ManifestName || !slices.Contains(targets, all.TargetOf(ch.Path))
				})
			}
			if structured {
				if noCatalogDiagnostics {
					diags = nil
				}
				for _, ch := range changes {
					diags.Add(driftDiagnostic(e.cwd, out, ch))
				}
				if err := diag.Write(e.stdout, diags, e.format, e.cwd); err != nil {
					return usageErrorf("%v", err)
				}
			} else {
				writeDrift(e.stdout, view, changes)
			}
			if len(changes) > 0 {
				if view != viewQuiet && !structured {
					e.driftSummary(out, len(changes))
				}
				return findings
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "gen", "output directory to compare")
	cmd.Flags().DurationVar(&lockTimeout, "lock-timeout", 30*time.Second, "how long to wait for a build writing the output directory (0: fail at once)")
	targetFlag(cmd, &targets)
	cmd.Flags().BoolVar(&stat, "stat", false, "print a line a drifted file with its added and removed line counts")
	cmd.Flags().BoolVar(&names, "name-only", false, "print only the paths of the drifted files")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing; the exit code says whether the files drifted")
	cmd.Flags().BoolVar(&noCatalogDiagnostics, "no-catalog-diagnostics", false,
		"do not print the catalog's findings (a pre-commit vet hook already did); a catalog with errors ends in one line")
	e.diagFormatFlag(cmd)
	return cmd
}

// checkDiffDir refuses an output directory that diff cannot sensibly compare
// with: one that does not exist, is not a directory, or holds no manifest
// (svcgen never built into it, so it is most likely the wrong -o).
func checkDiffDir(out string) error {
	if out == "" {
		return usageErrorf("-o is empty: name the directory svcgen build writes to")
	}
	st, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageErrorf("output directory %s does not exist: run svcgen build -o %s first, or point -o at the generated files", out, out)
	case err != nil:
		return usageErrorf("%v", err)
	case !st.IsDir():
		return usageErrorf("output %s is not a directory: point -o at the directory svcgen build writes to", out)
	}
	if _, err := os.Lstat(filepath.Join(out, emit.ManifestName)); errors.Is(err, fs.ErrNotExist) {
		return usageErrorf("%s holds no %s, so svcgen never built into it: run svcgen build -o %s, or point -o at the generated files", out, emit.ManifestName, out)
	}
	return nil
}

// writeDrift prints the changes as view says.
func writeDrift(w io.Writer, view diffView, changes []emit.Change) {
	var b strings.Builder
	switch view {
	case viewPatch:
		for _, ch := range changes {
			b.WriteString(ch.Unified())
		}
	case viewNames:
		for _, ch := range changes {
			b.WriteString(ch.Path + "\n")
		}
	case viewStat:
		width := 0
		for _, ch := range changes {
			width = max(width, len(ch.Path))
		}
		added, removed := 0, 0
		for _, ch := range changes {
			s := statOf(ch)
			added += s.added
			removed += s.removed
			fmt.Fprintf(&b, " %-*s | %5d %s\n", width, ch.Path, s.added+s.removed, s.kind(ch))
		}
		if len(changes) > 0 {
			fmt.Fprintf(&b, " %d %s changed, %d %s(+), %d %s(-)\n",
				len(changes), plural(len(changes), "file"), added, plural(added, "insertion"), removed, plural(removed, "deletion"))
		}
	}
	io.WriteString(w, b.String())
}

// driftStat counts a change's lines and finds its first changed line.
type driftStat struct {
	added, removed int
	// line is the first changed line of the file in the output directory
	// (0 when the file is not there).
	line int
}

func (s driftStat) kind(ch emit.Change) string {
	switch {
	case ch.Old == nil:
		return "(new)"
	case ch.New == nil:
		return "(stale)"
	}
	return strings.Repeat("+", min(s.added, 20)) + strings.Repeat("-", min(s.removed, 20))
}

// statOf reads the counts off the change's unified diff, so that --stat and
// the patch always agree.
func statOf(ch emit.Change) driftStat {
	var s driftStat
	lines := strings.Split(ch.Unified(), "\n")
	if len(lines) > 2 {
		lines = lines[2:] // the --- and +++ headers
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "@@ "):
			if s.line == 0 && ch.Old != nil {
				s.line = hunkStart(l)
			}
		case strings.HasPrefix(l, "+"):
			s.added++
		case strings.HasPrefix(l, "-"):
			s.removed++
		}
	}
	return s
}

// hunkStart returns the old file's first line of a hunk header
// "@@ -12,7 +12,8 @@", counting the hunk's leading context lines in: the
// annotation points at the hunk.
func hunkStart(header string) int {
	f := strings.Fields(header)
	if len(f) < 2 || !strings.HasPrefix(f[1], "-") {
		return 1
	}
	start, _, _ := strings.Cut(f[1][1:], ",")
	n, err := strconv.Atoi(start)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// driftDiagnostic reports one drifted file as an error at the file in the
// output directory, for JSON and GitHub annotations.
func driftDiagnostic(cwd, out string, ch emit.Change) diag.Diagnostic {
	file := filepath.Join(out, filepath.FromSlash(ch.Path))
	if !filepath.IsAbs(file) {
		file = filepath.Join(cwd, file)
	}
	s := statOf(ch)
	pos := catalog.Pos{Filename: file, Line: s.line}
	if s.line > 0 {
		pos.Column = 1
	}
	var msg string
	switch {
	case ch.Old == nil:
		msg = "missing: the catalog generates this file; run svcgen build"
	case ch.New == nil:
		msg = "stale: the catalog no longer generates this file; run svcgen build to remove it"
	default:
		msg = fmt.Sprintf("differs from what the catalog builds (%d added, %d removed lines): run svcgen build, and edit the catalog rather than generated files", s.added, s.removed)
	}
	return diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: driftRule, Message: msg, Subject: ch.Path}
}

// driftSummary says on stderr how many files drifted and what to do. Under
// pre-commit (which sets PRE_COMMIT=1 and hides unstaged changes while hooks
// run) files that were built but not staged count as drift too, so the advice
// names git add.
func (e *env) driftSummary(out string, n int) {
	if e.getenv("PRE_COMMIT") == "1" {
		fmt.Fprintf(e.stderr, "svcgen: the staged %s differs from the catalog in %d %s: run svcgen build -o %s, then git add %s "+
			"(pre-commit checks only what is staged: if you already built, git add %s is all that is missing)\n", out, n, plural(n, "file"), out, out, out)
		return
	}
	fmt.Fprintf(e.stderr, "svcgen: %s differs from the catalog in %d %s: run svcgen build\n", out, n, plural(n, "file"))
}

package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/emitters/all"
	"github.com/svcgen/svcgen/emitters/emit"
)

func (e *env) buildCommand() *cobra.Command {
	var (
		out         string
		targets     []string
		lockTimeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Compile the catalog in DIR and write every target into the output directory",
		Long: `build compiles the catalog in DIR (default ".") and writes every target
into the output directory (default "gen"). Nothing is written unless the
whole catalog compiles; the output directory is then replaced in one step.
Files svcgen did not write there are kept; its own stale files are removed.

The catalog's settings.targets choose the targets (all by default); a target
turned off writes nothing and its earlier files are removed. --target builds
only the named targets for one run and leaves the others' files as they are.

One build at a time writes an output directory: a second one waits for the
first (up to --lock-timeout), then fails with exit code 2. The lock is the
file .OUT.svcgen-lock beside the output directory, removed when the build is
done; staging directories of builds that were killed are removed by the next
build.`,
		Example: `  # Compile the catalog in the current directory into ./gen
  svcgen build

  # Compile examples/shop into ./deploy/generated
  svcgen build examples/shop -o deploy/generated

  # Rebuild only the Prometheus rules and Alertmanager routing
  svcgen build --target prometheus,alertmanager`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := catalogDir(args)
			if err := checkOutputDir(dir, out); err != nil {
				return err
			}
			// A build allocates its whole output besides the evaluation:
			// at GOGC=200 the collector runs half as often, a tenth of a
			// large build's time, for some 60 MB more at a thousand
			// services. GOGC in the environment still decides.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(200)
			}
			prog := e.startProgress(e.stderr)
			// SIGINT and SIGTERM remove the staging directory before the
			// process dies of them (SIGKILL leaves it to the next build).
			// A signal while the writer is being opened waits for it, so
			// that a stage just made is removed too.
			var (
				mu     sync.Mutex
				w      *emit.Writer
				cancel = make(chan struct{})
			)
			stop := onSignal(func(sig os.Signal) {
				close(cancel)
				mu.Lock()
				defer mu.Unlock()
				if w != nil && w.Interrupt() {
					fmt.Fprintf(progressWriter{prog, e.stderr}, "svcgen: %v: stopped; %s is as it was\n", sig, out)
				}
			})
			defer stop()
			prog.set("compiling " + dir)
			c, _, err := e.compile(dir, progressWriter{prog, e.stderr})
			if err != nil {
				prog.done()
				return err
			}
			defer prog.done()
			prog.set("writing " + out)
			emitters, err := all.Select(c, targets)
			if err != nil {
				return usageErrorf("%v", err)
			}
			mu.Lock()
			w, err = emit.OpenWriter(out, emit.WriterOptions{
				Lock: emit.LockOptions{
					Cancel: cancel,
					Wait:   lockTimeout,
					Waiting: func(holder string) {
						fmt.Fprintf(progressWriter{prog, e.stderr}, "svcgen: waiting up to %s for another build%s to finish writing %s\n", lockTimeout, holderNote(holder), out)
					},
				},
				Warn: func(msg string) { fmt.Fprintf(progressWriter{prog, e.stderr}, "svcgen: warning: %s\n", msg) },
			})
			mu.Unlock()
			if errors.Is(err, emit.ErrInterrupted) {
				awaitSignal()
			}
			if err != nil {
				return usageErrorf("writing %s: %v", out, err)
			}
			w.Version = Version()
			if len(targets) > 0 {
				w.Keep = func(p string) bool { return !slices.Contains(targets, all.TargetOf(p)) }
			}
			// Each target is staged as soon as it is rendered, while the
			// others still render; nothing replaces out until Commit.
			stats, err := emit.RenderTo(c, emitters, func(_ int, files []emit.File) error {
				prog.add(files)
				return w.Add(files)
			})
			if werr := w.Err(); werr != nil {
				err = werr // the writer's own error, not an emitter's report of it
			}
			if err == nil {
				var res emit.Result
				if res, err = w.Commit(); err == nil {
					prog.done()
					e.summary(stats, out, res)
					return nil
				}
			}
			w.Abort()
			if errors.Is(err, emit.ErrInterrupted) {
				awaitSignal()
			}
			return usageErrorf("writing %s: %v", out, err)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "gen", "output directory")
	cmd.Flags().DurationVar(&lockTimeout, "lock-timeout", 30*time.Second, "how long to wait for another build writing the same output directory (0: fail at once)")
	targetFlag(cmd, &targets)
	e.diagFormatFlag(cmd)
	return cmd
}

// summary prints one line per target and one for the directory.
func (e *env) summary(stats []emit.Stat, out string, res emit.Result) {
	total := 0
	for _, t := range stats {
		total += t.Files
		fmt.Fprintf(e.stdout, "%-13s %4d %-5s %10s\n", t.Name, t.Files, plural(t.Files, "file"), size(t.Bytes))
	}
	if !res.Changed {
		fmt.Fprintf(e.stdout, "%s: %d files, up to date\n", out, total)
		return
	}
	fmt.Fprintf(e.stdout, "%s: %d files, %d written, %d removed\n", out, total, len(res.Written), len(res.Removed))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}

// targetFlag adds --target, which narrows a run to some of the targets the
// catalog turns on.
func targetFlag(cmd *cobra.Command, targets *[]string) {
	cmd.Flags().StringSliceVar(targets, "target", nil, "only these targets, for this run ("+strings.Join(all.Names(), ", ")+")")
	cmd.RegisterFlagCompletionFunc("target", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return all.Names(), cobra.ShellCompDirectiveNoFileComp
	})
}

func holderNote(holder string) string {
	if holder == "" {
		return ""
	}
	return " (" + holder + ")"
}

package cli

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"
)

//go:embed scaffold/*.cue
var scaffold embed.FS

func (e *env) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a starter catalog: one team, one service, every field commented",
		Long: `init writes a catalog that builds as written into DIR (default "."): the
settings, one team with a pager and a chat receiver, and one service, with
a comment on every field. It never overwrites a file: if any of them
exists, it writes nothing.`,
		Example: `  # Start a catalog in ./catalog, then build it
  svcgen init catalog
  svcgen build catalog`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := catalogDir(args)
			entries, err := fs.ReadDir(scaffold, "scaffold")
			if err != nil {
				return usageErrorf("%v", err)
			}
			var names, existing []string
			for _, en := range entries {
				names = append(names, en.Name())
				if _, err := os.Lstat(filepath.Join(dir, en.Name())); err == nil {
					existing = append(existing, filepath.Join(dir, en.Name()))
				} else if !errors.Is(err, fs.ErrNotExist) {
					return usageErrorf("%v", err)
				}
			}
			if len(existing) > 0 {
				sort.Strings(existing)
				return usageErrorf("%s already exists: init writes nothing over existing files; choose an empty directory", existing[0])
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return usageErrorf("%v", err)
			}
			for _, name := range names {
				data, err := scaffold.ReadFile("scaffold/" + name)
				if err != nil {
					return usageErrorf("%v", err)
				}
				// O_EXCL: a file that appeared since the check is not
				// overwritten either.
				f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if err != nil {
					return usageErrorf("%v", err)
				}
				if _, err := f.Write(data); err != nil {
					f.Close()
					return usageErrorf("%v", err)
				}
				if err := f.Close(); err != nil {
					return usageErrorf("%v", err)
				}
				fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(dir, name))
			}
			fmt.Fprintf(e.stdout, "next: svcgen build %s\n", dir)
			return nil
		},
	}
}

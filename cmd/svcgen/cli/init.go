package cli

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
a comment on every field. It never overwrites a file, and writes nothing
into a directory that already holds .cue files: the starter files would
join that catalog's package and break it.`,
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
			// Any .cue file means a catalog (or part of one) is there: the
			// starter files would join its package and break it.
			if cues, err := cueFiles(dir); err != nil {
				return usageErrorf("%v", err)
			} else if len(cues) > 0 {
				return usageErrorf("%s already holds .cue files (%s): init starts a new catalog and writes nothing into an existing one; choose an empty directory", dir, describeFiles(cues))
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

// describeFiles names the first of files and how many more there are.
func describeFiles(files []string) string {
	first := files[0]
	if len(files) == 1 {
		return first
	}
	return fmt.Sprintf("%s and %d more", first, len(files)-1)
}

// cueFiles lists the .cue files in dir, sorted; none if dir does not exist.
func cueFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".cue") {
			out = append(out, en.Name())
		}
	}
	return out, nil
}

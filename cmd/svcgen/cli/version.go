package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is stamped by make from `git describe`:
//
//	go build -ldflags "-X github.com/svcgen/svcgen/cmd/svcgen/cli.version=v0.2.0-3-gabc1234"
//
// A binary from `go install .../cmd/svcgen@v0.2.0` needs no stamp: the
// module's version is in its build info.
var version string

// Version returns svcgen's version: the one make stamped; else the module
// version `go install` recorded; else "devel" with the commit the toolchain
// stamped from the checkout (and "-dirty" for uncommitted changes); else
// "(devel)".
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "(devel)"
	}
	return "devel+" + rev[:min(len(rev), 12)] + dirty
}

func (e *env) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print svcgen's version",
		Long: `version prints svcgen's version, the Go toolchain that built it and the
platform. The same version is recorded in the .svcgen-manifest of every
output directory a build writes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "svcgen %s %s %s/%s\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

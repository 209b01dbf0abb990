//go:build !unix

package cli

import "testing"

func makeSpecial(t *testing.T, kind, path, target string) {
	t.Skip("named pipes and symbolic links need a Unix file system")
}

//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// makeSpecial makes a file a txtar cannot hold: a named pipe, or a symbolic
// link to target.
func makeSpecial(t *testing.T, kind, path, target string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var err error
	switch kind {
	case "mkfifo":
		err = syscall.Mkfifo(path, 0o644)
	case "symlink":
		err = os.Symlink(target, path)
	default:
		t.Fatalf("unknown special file %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
}

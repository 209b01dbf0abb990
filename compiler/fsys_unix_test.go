//go:build unix

package compiler

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// A file that became a named pipe after it was looked at is opened without
// waiting for a writer, and the opened file is judged: read never blocks.
func TestOpenDoesNotWaitOnAPipe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "p.cue"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &catalogFS{dir: ".", root: dir, onDisk: true, maxSize: MaxFileSize}
	f, err := c.open("p.cue")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("opened %v, %v; want the named pipe", fi, err)
	}
}

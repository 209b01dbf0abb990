//go:build unix

package compiler_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/svcgen/svcgen/compiler"
)

// On disk, only regular files are read: a named pipe would block the read
// forever and /dev/zero would never end. A symbolic link to a regular file
// is followed, as CUE follows it. Positions on disk are absolute.
func TestIrregularFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	other := t.TempDir()
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "base.cue"), fsBase)
	write(filepath.Join(other, "services.cue"), fsService)
	if err := os.Symlink(filepath.Join(other, "services.cue"), filepath.Join(dir, "services.cue")); err != nil {
		t.Fatal(err)
	}
	if ok, got := errorLines(t, compiler.Config{Dir: dir}); !ok {
		t.Fatalf("a link to a regular file: %s", got)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.cue"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"zero.cue": "/dev/zero", "dangling.cue": "nowhere.cue", "dir.cue": other} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ok, got := errorLines(t, compiler.Config{Dir: dir})
	const tail = ", not a regular file: svcgen reads only regular .cue files; replace it with one or remove it [load]"
	want := strings.Join([]string{
		dir + "/dangling.cue:1:1: error: the file is a symbolic link to nowhere.cue, which does not exist: point it at a .cue file or remove it [load]",
		dir + "/dir.cue:1:1: error: the file is a symbolic link to " + other + ", a directory" + tail,
		dir + "/fifo.cue:1:1: error: the file is a named pipe (FIFO)" + tail,
		dir + "/zero.cue:1:1: error: the file is a symbolic link to /dev/zero, a character device" + tail,
	}, "\n")
	if ok || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", ok, got, want)
	}
}

// A catalog on disk that imports a package of its module, the module root
// above the catalog directory: the imported package is read through the
// same checks, and positions stay absolute.
func TestModuleImportOnDisk(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	files := map[string]string{
		"cue.mod/module.cue":   "module: \"example.com/cat@v0\"\nlanguage: version: \"v0.12.0\"\n",
		"lib/lib.cue":          "package lib\n\nport: \"8080\"\n",
		"catalog/base.cue":     fsBase,
		"catalog/services.cue": "package catalog\n\nimport \"example.com/cat/lib\"\n\nservices: hello: {team: \"web\", tier: \"low\", image: \"r.example.com/hello:1.0.0\", port: lib.port}\n",
	}
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ok, got := errorLines(t, compiler.Config{Dir: filepath.Join(root, "catalog")})
	if ok || !strings.HasPrefix(got, root+"/") || !strings.Contains(got, `port: "8080" is a string, but port takes an integer`) {
		t.Errorf("got %v\n%s", ok, got)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "lib", "fifo.cue"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Returns (rather than blocking on the pipe) with an error.
	if ok, got := errorLines(t, compiler.Config{Dir: filepath.Join(root, "catalog")}); ok || !strings.Contains(got, "fifo.cue") {
		t.Errorf("a named pipe in an imported package: %v %s", ok, got)
	}
}

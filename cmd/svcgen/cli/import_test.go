package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteAll(t *testing.T) {
	files := map[string][]byte{"a.cue": []byte("a: 1\n"), "b.cue": []byte("b: 2\n"), "c.cue": []byte("c: 3\n")}
	names := []string{"a.cue", "b.cue", "c.cue"}

	t.Run("all", func(t *testing.T) {
		dir := t.TempDir()
		if err := writeAll(dir, names, files); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{".": "dir " + dirPerm(t, dir)}
		for _, n := range names {
			want[n] = "file -rw-r--r-- " + string(files[n])
		}
		if diff := cmp.Diff(want, readTree(t, dir)); diff != "" {
			t.Errorf("tree (-want +got):\n%s", diff)
		}
	})

	t.Run("none when one cannot be placed", func(t *testing.T) {
		dir := t.TempDir()
		// A non-empty directory where b.cue goes: renaming onto it fails
		// after a.cue is in place.
		if err := os.MkdirAll(filepath.Join(dir, "b.cue", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		before := readTree(t, dir)
		if err := writeAll(dir, names, files); err == nil {
			t.Fatal("writeAll: no error")
		}
		if diff := cmp.Diff(before, readTree(t, dir)); diff != "" {
			t.Errorf("directory changed (-before +after):\n%s", diff)
		}
	})
}

func dirPerm(t *testing.T, dir string) string {
	t.Helper()
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm().String()
}

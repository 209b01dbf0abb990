package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// inlineLimit is the largest file readTree shows by content; larger ones
// are shown by hash, so that a diff of two output trees stays readable.
const inlineLimit = 4 << 10

// readTree describes every entry below dir, for comparing a tree before
// and after a command: directories by permissions, links by target, files
// by permissions and content (or its hash above inlineLimit). Any change of
// kind, mode, target or byte shows.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "link " + target
		case d.IsDir():
			out[rel] = "dir " + info.Mode().Perm().String()
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			content := string(data)
			if len(data) > inlineLimit {
				sum := sha256.Sum256(data)
				content = "sha256:" + hex.EncodeToString(sum[:])
			}
			out[rel] = "file " + info.Mode().Perm().String() + " " + content
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

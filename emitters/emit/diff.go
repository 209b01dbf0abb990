package emit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Change is one file that differs between the output directory and what a
// build would write.
type Change struct {
	Path string
	// Old and New are the contents; nil Old means the file is missing from
	// the directory, nil New that a build would remove it.
	Old, New []byte
}

// Diff compares dir with the files a build would write (and the manifest it
// would write with them). It reads only; paths are checked as Write checks
// them, and symbolic links are never followed.
func Diff(dir string, files []File) ([]Change, error) {
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	old := map[string]bool{}
	if st, err := os.Lstat(abs); err == nil && st.IsDir() {
		if old, err = readManifest(abs); err != nil {
			return nil, err
		}
	}
	want := append(sortedFiles(files), File{Path: ManifestName, Data: Manifest(files)})
	var changes []Change
	seen := map[string]bool{}
	for _, f := range want {
		seen[f.Path] = true
		data, err := readRegular(filepath.Join(abs, filepath.FromSlash(f.Path)))
		if err != nil {
			return nil, err
		}
		if f.Path == ManifestName && data != nil {
			data = withoutVersion(data)
		}
		if data == nil || string(data) != string(f.Data) {
			changes = append(changes, Change{Path: f.Path, Old: data, New: f.Data})
		}
	}
	for p := range old {
		if seen[p] {
			continue
		}
		data, err := readRegular(filepath.Join(abs, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		if data != nil {
			changes = append(changes, Change{Path: p, Old: data})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, nil
}

// readRegular returns a regular file's contents, or nil when there is no
// regular file at p (missing, a directory, a link: all differ from a file).
func readRegular(p string) ([]byte, error) {
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

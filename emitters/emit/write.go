package emit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Result says what Write changed.
type Result struct {
	// Changed is false when the directory already held exactly these files.
	Changed bool
	// Written, Removed list the paths created or rewritten, and the stale
	// generated files removed.
	Written, Removed []string
}

// Write replaces dir's generated files with files, atomically.
//
// The new contents are staged in a sibling directory: the files svcgen
// generated before (listed in dir's manifest) are left out, every other entry
// (the user's own files, symlinks as links) is carried over without following
// links, the new files and the manifest are written, and the staged directory
// then takes dir's place in one rename. On any error dir is left exactly as it
// was. A user's file at a path svcgen now wants is an error, never
// overwritten.
func Write(dir string, files []File) (Result, error) {
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return Result{}, err
		}
	}
	files = sortedFiles(files)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Result{}, err
	}
	st, err := os.Lstat(abs)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return Result{}, err
	case exists && st.Mode()&fs.ModeSymlink != 0:
		return Result{}, fmt.Errorf("output directory %s is a symbolic link: svcgen replaces the directory and does not follow links; use the link's target", dir)
	case exists && !st.IsDir():
		return Result{}, fmt.Errorf("output %s exists and is not a directory", dir)
	}

	old := map[string]bool{}
	if exists {
		if old, err = readManifest(abs); err != nil {
			return Result{}, err
		}
	}
	res, err := plan(abs, exists, old, files)
	if err != nil || !res.Changed {
		return res, err
	}

	stage, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".svcgen-stage-")
	if err != nil {
		return Result{}, err
	}
	committed := false
	defer func() {
		if !committed {
			os.RemoveAll(stage)
		}
	}()
	mode := fs.FileMode(0o755)
	if exists {
		mode = st.Mode().Perm()
		if err := carryOver(abs, stage, old, files); err != nil {
			return Result{}, err
		}
	}
	if err := os.Chmod(stage, mode); err != nil {
		return Result{}, err
	}
	for _, f := range files {
		target := filepath.Join(stage, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return Result{}, err
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			return Result{}, err
		}
	}
	if err := os.WriteFile(filepath.Join(stage, ManifestName), Manifest(files), 0o644); err != nil {
		return Result{}, err
	}
	if err := swap(stage, abs, exists); err != nil {
		return Result{}, err
	}
	committed = true
	return res, nil
}

func sortedFiles(files []File) []File {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// plan compares the directory with the new files without touching it.
func plan(abs string, exists bool, old map[string]bool, files []File) (Result, error) {
	var res Result
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		p := filepath.Join(abs, filepath.FromSlash(f.Path))
		if !exists {
			res.Written = append(res.Written, f.Path)
			continue
		}
		if err := checkParents(abs, f.Path, old); err != nil {
			return Result{}, err
		}
		st, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist) || isNotDir(err):
			res.Written = append(res.Written, f.Path)
			continue
		case err != nil:
			return Result{}, err
		}
		if !old[f.Path] {
			return Result{}, fmt.Errorf("%s exists and was not written by svcgen (it is not in %s): move it away or choose another output directory",
				filepath.Join(abs, filepath.FromSlash(f.Path)), ManifestName)
		}
		if !st.Mode().IsRegular() {
			res.Written = append(res.Written, f.Path)
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return Result{}, err
		}
		if !bytes.Equal(data, f.Data) {
			res.Written = append(res.Written, f.Path)
		}
	}
	for p := range old {
		if !want[p] {
			res.Removed = append(res.Removed, p)
		}
	}
	sort.Strings(res.Removed)
	res.Changed = len(res.Written) > 0 || len(res.Removed) > 0
	if exists && !res.Changed {
		// Same files; the manifest may still be missing or stale.
		data, err := os.ReadFile(filepath.Join(abs, ManifestName))
		if err != nil || !bytes.Equal(data, Manifest(files)) {
			res.Changed = true
		}
	}
	return res, nil
}

// checkParents refuses a file whose directory, in the output directory, is
// a symbolic link or a file of the user's that Write would carry over: the
// staged copy keeps the link as a link, and writing through it would put the
// file wherever the link points, outside the output directory. Parents are
// checked from the top, so no link is followed on the way.
func checkParents(abs, p string, old map[string]bool) error {
	segs := strings.Split(p, "/")
	for i := 1; i < len(segs); i++ {
		parent := strings.Join(segs[:i], "/")
		if old[parent] {
			return nil // a file svcgen wrote: dropped, and a directory made in its place
		}
		full := filepath.Join(abs, filepath.FromSlash(parent))
		st, err := os.Lstat(full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // made afresh
		case err != nil:
			return err
		case st.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link, and svcgen does not write %s through it (it would land outside the output directory): move the link away or choose another output directory", full, p)
		case !st.IsDir():
			return fmt.Errorf("%s is a file svcgen did not write, where it needs a directory for %s: move it away or choose another output directory", full, p)
		}
	}
	return nil
}

func isNotDir(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory")
}

// carryOver copies everything in src that svcgen did not generate into dst:
// directories are recreated, regular files hard-linked (or copied across
// devices), symbolic links recreated as links. Nothing is followed.
func carryOver(src, dst string, generated map[string]bool, files []File) error {
	newPaths := map[string]bool{}
	for _, f := range files {
		newPaths[f.Path] = true
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		slash := filepath.ToSlash(rel)
		if slash == ManifestName || generated[slash] {
			return nil
		}
		if newPaths[slash] {
			return fmt.Errorf("%s exists and was not written by svcgen: move it away or choose another output directory", p)
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			if err := os.Link(p, target); err == nil {
				return nil
			}
			return copyFile(p, target, info.Mode().Perm())
		default:
			return fmt.Errorf("%s is not a regular file, directory or link: svcgen will not carry it over", p)
		}
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Manifest renders the manifest of files: one path a line, sorted.
func Manifest(files []File) []byte {
	var b bytes.Buffer
	b.WriteString("# Files generated by svcgen. DO NOT EDIT.\n")
	b.WriteString("# svcgen rewrites and removes only the files listed here.\n")
	for _, f := range sortedFiles(files) {
		b.WriteString(f.Path)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// readManifest returns the generated paths listed in dir's manifest. Entries
// that are not safe relative paths are ignored: a tampered manifest must not
// make svcgen drop a file outside the directory or one it cannot name.
func readManifest(dir string) (map[string]bool, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || CheckPath(line) != nil {
			continue
		}
		out[path.Clean(line)] = true
	}
	return out, nil
}

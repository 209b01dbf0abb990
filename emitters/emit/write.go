package emit

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Result says what Write changed.
type Result struct {
	// Changed is false when the directory already held exactly these files.
	Changed bool
	// Written, Removed list the paths created or rewritten, and the stale
	// generated files removed.
	Written, Removed []string
}

// Write replaces dir's generated files with files, atomically: NewWriter,
// Add and Commit in one call.
func Write(dir string, files []File) (Result, error) {
	w, err := NewWriter(dir)
	if err != nil {
		return Result{}, err
	}
	if err := w.Add(sortedFiles(files)); err != nil {
		w.Abort()
		return Result{}, err
	}
	return w.Commit()
}

// Writer replaces an output directory's generated files, atomically.
//
// The new contents are staged in a sibling directory as they arrive (Add),
// so a build need not hold every target's output in memory at once: files
// unchanged since the last build are hard-linked from the output directory,
// the others written. Commit then carries over every entry svcgen did not
// generate (the user's own files, symlinks as links, nothing followed),
// writes the manifest, and puts the staged directory in dir's place in one
// rename. On any error, or Abort, dir is left exactly as it was and the
// staging directory is removed. A user's file at a path svcgen now wants is
// an error, never overwritten; so is a generated file whose directory in dir
// is a link or a user's file.
//
// A Writer holds dir's lock (see LockDir) from NewWriter to Commit or Abort,
// so two builds never mix their files in one directory, and it removes the
// staging directories earlier builds that were killed left beside dir.
type Writer struct {
	// Version is the svcgen version the manifest records ("" records
	// none, as tests and golden files do). Diff ignores it, so that a new
	// svcgen whose output is the same reports no drift.
	Version string
	// Keep, when set, names the generated files of the last build that
	// this build does not write but must not remove: they stay as they
	// are and listed in the manifest. A build of some targets only keeps
	// the other targets' files this way.
	Keep func(path string) bool

	dir, abs string
	exists   bool
	mode     fs.FileMode
	old      map[string]bool // the generated files of the last build (its manifest)
	stage    string
	lock     *Lock

	mu    sync.Mutex
	paths map[string]bool // files added
	dirs  map[string]bool // their directories
	made  map[string]bool // directories made in the stage
	safe  map[string]bool // directories of dir checked by checkParents
	res   Result
	err   error
	done  bool // committed or aborted: the stage is gone, the lock let go
}

// WriterOptions say how a Writer waits for the output directory's lock and
// where its warnings go.
type WriterOptions struct {
	// Lock is how long to wait for another build, and the clock to wait by.
	Lock LockOptions
	// Warn, if set, receives notes that do not stop the build (staging
	// directories of an older svcgen found beside dir).
	Warn func(msg string)
}

// ErrInterrupted is the error of a build whose Writer was interrupted.
var ErrInterrupted = errors.New("interrupted")

// NewWriter is OpenWriter without waiting: it fails at once when another
// build holds dir.
func NewWriter(dir string) (*Writer, error) { return OpenWriter(dir, WriterOptions{}) }

// OpenWriter checks dir (absent, or a directory that is not a link and that
// the process may write), takes its lock, removes what builds killed
// earlier left beside it, and starts a staging directory beside it.
func OpenWriter(dir string, o WriterOptions) (*Writer, error) {
	if dir == "" {
		return nil, errors.New("the output directory is empty: name one, e.g. -o gen")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, abs: abs, mode: 0o755, old: map[string]bool{}, paths: map[string]bool{}, dirs: map[string]bool{},
		made: map[string]bool{}, safe: map[string]bool{}}
	if err := w.checkDir(); err != nil {
		return nil, err
	}
	if err := writable(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("cannot write beside %s, in %s, where svcgen stages the new output and keeps its lock: %v", dir, filepath.Dir(dir), errText(err))
	}
	o.Lock.Shared = false
	if w.lock, err = LockDir(dir, abs, o.Lock); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			w.lock.Unlock()
		}
	}()
	// Checked again under the lock: the last holder may have just made or
	// replaced dir.
	if err := w.checkDir(); err != nil {
		return nil, err
	}
	kept, warnings := w.lock.removeLeftovers(abs)
	if o.Warn != nil {
		for _, m := range warnings {
			o.Warn(m)
		}
	}
	if w.exists {
		if err := writable(abs); err != nil {
			return nil, fmt.Errorf("output directory %s is not writable (%v): make it writable (chmod u+w %s) or choose another output directory", dir, errText(err), dir)
		}
		if w.old, err = readManifest(abs); err != nil {
			return nil, err
		}
	}
	name, err := randomStageName(filepath.Base(abs))
	if err != nil {
		return nil, err
	}
	// Recorded before it exists: a build killed at any point after this
	// leaves nothing the next one does not know of.
	if err := w.lock.writeJournal(append(kept, name)); err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", dir, err)
	}
	w.stage = filepath.Join(filepath.Dir(abs), name)
	if err := os.Mkdir(w.stage, 0o700); err != nil {
		return nil, w.outside(err)
	}
	ok = true
	return w, nil
}

// checkDir reads what dir is now.
func (w *Writer) checkDir() error {
	st, err := os.Lstat(w.abs)
	w.exists = err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case w.exists && st.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("output directory %s is a symbolic link: svcgen replaces the directory and does not follow links; use the link's target", w.dir)
	case w.exists && !st.IsDir():
		return fmt.Errorf("%s exists and is not a directory: move it away or choose another output directory", w.dir)
	}
	if w.exists {
		w.mode = st.Mode().Perm()
	}
	return nil
}

func randomStageName(base string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "." + base + stageInfix + hex.EncodeToString(b[:]), nil
}

// errText is an error's reason without the path it names.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// outside renames paths in the staging directory, which the user never
// sees, to the paths they stand for in the output directory.
func (w *Writer) outside(err error) error {
	if err == nil || w.stage == "" {
		return err
	}
	rename := func(p string) string {
		if p == w.stage {
			return w.dir
		}
		if rel, e := filepath.Rel(w.stage, p); e == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.Join(w.dir, rel)
		}
		return p
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: rename(pe.Path), Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return &os.LinkError{Op: le.Op, Old: rename(le.Old), New: rename(le.New), Err: le.Err}
	}
	return err
}

// Add stages files. It may be called from several goroutines; after an
// error every later call fails too, and the build must Abort.
func (w *Writer) Add(files []File) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	for _, f := range files {
		if err := w.add(f); err != nil {
			w.err = w.outside(err)
			return w.err
		}
	}
	return nil
}

func (w *Writer) add(f File) error {
	if err := CheckPath(f.Path); err != nil {
		return err
	}
	if w.paths[f.Path] {
		return fmt.Errorf("two files at %s", f.Path)
	}
	if w.dirs[f.Path] {
		return fmt.Errorf("%s is both a file and a directory of other files", f.Path)
	}
	for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
		if w.paths[d] {
			return fmt.Errorf("%s is both a file and the directory of %s", d, f.Path)
		}
		w.dirs[d] = true
	}
	w.paths[f.Path] = true

	target := filepath.Join(w.stage, filepath.FromSlash(f.Path))
	if d := path.Dir(f.Path); !w.made[d] {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		w.made[d] = true
	}
	same, err := w.unchanged(f)
	if err != nil {
		return err
	}
	if same {
		// The last build's bytes: link them rather than write them again.
		if err := os.Link(filepath.Join(w.abs, filepath.FromSlash(f.Path)), target); err == nil {
			return nil
		}
	} else {
		w.res.Written = append(w.res.Written, f.Path)
	}
	return os.WriteFile(target, f.Data, 0o644)
}

// unchanged reports whether dir holds f as svcgen wrote it last time. A file
// at f's path that svcgen did not write is an error.
func (w *Writer) unchanged(f File) (bool, error) {
	if !w.exists {
		return false, nil
	}
	if d := path.Dir(f.Path); !w.safe[d] {
		if err := checkParents(w.abs, w.dir, f.Path, w.old); err != nil {
			return false, err
		}
		w.safe[d] = true
	}
	p := filepath.Join(w.abs, filepath.FromSlash(f.Path))
	st, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist) || isNotDir(err):
		return false, nil
	case err != nil:
		return false, err
	}
	if !w.old[f.Path] {
		return false, fmt.Errorf("%s exists and was not written by svcgen (it is not in %s): move it away or choose another output directory",
			filepath.Join(w.dir, filepath.FromSlash(f.Path)), ManifestName)
	}
	if !st.Mode().IsRegular() || st.Size() != int64(len(f.Data)) {
		return false, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return false, err
	}
	return bytes.Equal(data, f.Data), nil
}

// Err returns the error that stopped the Writer (an Add that failed, an
// interruption), or nil. Emitters running beside the failed Add see it as
// their own error too; this is the one that happened first.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return nil
	}
	return w.err
}

// Abort drops the staged files and lets go of the lock; dir is untouched.
func (w *Writer) Abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.abort()
}

func (w *Writer) abort() {
	if w.done {
		return
	}
	w.done = true
	if w.err == nil {
		w.err = errors.New("the build was aborted")
	}
	var kept []string
	if err := removeAll(w.stage); err != nil {
		kept = append(kept, filepath.Base(w.stage))
	}
	w.lock.writeJournal(kept)
	w.lock.Unlock()
}

// Interrupt stops the build from another goroutine (a signal handler): it
// waits for the file being staged, then aborts, so that the process can exit
// leaving dir as it was and nothing beside it. Add and Commit then fail with
// ErrInterrupted. It reports false when it came too late: the build had
// already committed (or aborted).
func (w *Writer) Interrupt() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.err = ErrInterrupted
	w.abort()
	return true
}

// Commit puts the staged files in dir's place, unless they are what dir
// already holds.
func (w *Writer) Commit() (Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	res, err := w.commit()
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		w.abort()
		return Result{}, w.outside(err)
	}
	return res, nil
}

func (w *Writer) commit() (Result, error) {
	if w.err != nil {
		return Result{}, w.err // an Add failed, or the build was interrupted
	}
	var files []string
	for p := range w.paths {
		files = append(files, p)
	}
	sort.Strings(files)
	sort.Strings(w.res.Written)
	generated := maps.Clone(w.old) // the old files the stage replaces or drops
	for p := range w.old {
		switch {
		case w.paths[p]:
		case w.Keep != nil && w.Keep(p):
			delete(generated, p) // carried over like a user's file
			files = append(files, p)
		default:
			w.res.Removed = append(w.res.Removed, p)
		}
	}
	sort.Strings(files)
	sort.Strings(w.res.Removed)
	manifest := manifestOf(files, w.Version)
	w.res.Changed = !w.exists || len(w.res.Written) > 0 || len(w.res.Removed) > 0
	if !w.res.Changed {
		// Same files; the manifest may still be missing or stale.
		data, err := os.ReadFile(filepath.Join(w.abs, ManifestName))
		w.res.Changed = err != nil || !bytes.Equal(data, manifest)
	}
	if !w.res.Changed {
		// Nothing to do: dir keeps its files and their times.
		w.err = errors.New("the build was already committed")
		w.abort()
		return w.res, nil
	}
	if w.exists {
		if err := carryOver(w.abs, w.dir, w.stage, generated, w.paths); err != nil {
			return Result{}, err
		}
	}
	// The manifest before the mode: a read-only mode would stop svcgen
	// writing into its own stage.
	if err := os.WriteFile(filepath.Join(w.stage, ManifestName), manifest, 0o644); err != nil {
		return Result{}, err
	}
	if err := os.Chmod(w.stage, w.mode); err != nil {
		return Result{}, err
	}
	if err := swap(w.stage, w.abs, w.exists); err != nil {
		os.Chmod(w.stage, 0o700)
		return Result{}, err
	}
	// The stage's path now holds the old directory (or nothing).
	w.done = true
	w.err = errors.New("the build was already committed")
	var kept []string
	for _, p := range []string{w.stage, w.stage + ".old"} {
		if err := removeAll(p); err != nil {
			kept = append(kept, filepath.Base(p))
		}
	}
	w.lock.writeJournal(kept)
	w.lock.Unlock()
	return w.res, nil
}

func sortedFiles(files []File) []File {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// checkParents refuses a file whose directory, in the output directory, is
// a symbolic link or a file of the user's that Write would carry over: the
// staged copy keeps the link as a link, and writing through it would put the
// file wherever the link points, outside the output directory. Parents are
// checked from the top, so no link is followed on the way.
func checkParents(abs, dir, p string, old map[string]bool) error {
	segs := strings.Split(p, "/")
	for i := 1; i < len(segs); i++ {
		parent := strings.Join(segs[:i], "/")
		if old[parent] {
			return nil // a file svcgen wrote: dropped, and a directory made in its place
		}
		full := filepath.Join(abs, filepath.FromSlash(parent))
		shown := filepath.Join(dir, filepath.FromSlash(parent))
		st, err := os.Lstat(full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // made afresh
		case err != nil:
			return err
		case st.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link, and svcgen does not write %s through it (it would land outside the output directory): move the link away or choose another output directory", shown, p)
		case !st.IsDir():
			return fmt.Errorf("%s is a file svcgen did not write, where it needs a directory for %s: move it away or choose another output directory", shown, p)
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
func carryOver(src, shown, dst string, generated, newPaths map[string]bool) error {
	// Directories are made writable to fill them, and given the user's
	// exact mode once full, deepest first.
	type dirMode struct {
		path string
		mode fs.FileMode
	}
	var modes []dirMode
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
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
			return fmt.Errorf("%s exists and was not written by svcgen: move it away or choose another output directory", filepath.Join(shown, rel))
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.MkdirAll(target, info.Mode().Perm()|0o700); err != nil {
				return err
			}
			// The directory may hold staged files already: give it the
			// user's mode either way.
			modes = append(modes, dirMode{target, info.Mode().Perm()})
			return os.Chmod(target, info.Mode().Perm()|0o700)
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
			return fmt.Errorf("%s is not a regular file, directory or link: svcgen will not carry it over", filepath.Join(shown, rel))
		}
	})
	if err != nil {
		return err
	}
	for i := len(modes) - 1; i >= 0; i-- {
		if m := modes[i]; m.mode != m.mode|0o700 {
			if err := os.Chmod(m.path, m.mode); err != nil {
				return err
			}
		}
	}
	return nil
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
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	sort.Strings(paths)
	return manifestOf(paths, "")
}

// manifestVersionPrefix starts the manifest line that records which svcgen
// wrote the directory.
const manifestVersionPrefix = "# Written by svcgen "

func manifestOf(sorted []string, version string) []byte {
	var b bytes.Buffer
	b.WriteString("# Files generated by svcgen. DO NOT EDIT.\n")
	b.WriteString("# svcgen rewrites and removes only the files listed here.\n")
	if version != "" {
		b.WriteString(manifestVersionPrefix + version + ".\n")
	}
	for _, p := range sorted {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// withoutVersion returns a manifest without the line that records svcgen's
// version: what Diff compares.
func withoutVersion(manifest []byte) []byte {
	var b bytes.Buffer
	for _, line := range bytes.SplitAfter(manifest, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte(manifestVersionPrefix)) {
			b.Write(line)
		}
	}
	return b.Bytes()
}

// ManifestVersion returns the svcgen version dir's manifest records, or ""
// when it records none (or there is no manifest).
func ManifestVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, manifestVersionPrefix); ok {
			return strings.TrimSuffix(v, ".")
		}
	}
	return ""
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

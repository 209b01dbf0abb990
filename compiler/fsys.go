package compiler

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// MaxFileSize is the largest .cue file svcgen reads unless Config says
// otherwise: 16 MiB holds tens of thousands of services, and bounds what a
// file that never ends (a symbolic link to /dev/zero) can cost.
const MaxFileSize = 16 << 20

// catalogFS is where a catalog's files are read from: a directory on disk,
// or a directory of an fs.FS.
type catalogFS struct {
	fsys fs.FS
	dir  string // the catalog directory in fsys, "." for its root
	// root is how positions name dir: the absolute directory on disk, dir
	// itself in an fs.FS ("" for its root).
	root    string
	onDisk  bool
	shown   string // the directory as the caller named it, for messages
	maxSize int64
}

func openCatalogFS(cfg Config) (*catalogFS, error) {
	c := &catalogFS{shown: cfg.Dir, maxSize: cfg.MaxFileSize}
	if c.maxSize <= 0 {
		c.maxSize = MaxFileSize
	}
	if c.shown == "" {
		c.shown = "."
	}
	if cfg.FS == nil {
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("catalog directory: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("catalog directory %s is not a directory", cfg.Dir)
		}
		c.fsys, c.dir, c.root, c.onDisk = os.DirFS(abs), ".", abs, true
		return c, nil
	}
	dir := path.Clean(filepath.ToSlash(cfg.Dir))
	if !fs.ValidPath(dir) {
		return nil, fmt.Errorf("catalog directory %q is not a path within the file system (slash-separated, relative, without ..)", cfg.Dir)
	}
	fi, err := fs.Stat(cfg.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("catalog directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("catalog directory %s is not a directory", cfg.Dir)
	}
	c.fsys, c.dir = cfg.FS, dir
	if dir != "." {
		c.root = dir
	}
	return c, nil
}

// posName is the name positions give the file at rel (slash-separated,
// relative to the catalog directory).
func (c *catalogFS) posName(rel string) string {
	if c.onDisk {
		return filepath.Join(c.root, filepath.FromSlash(rel))
	}
	return path.Join(c.root, rel)
}

// inDir is the file at rel as a path of fsys.
func (c *catalogFS) inDir(rel string) string { return path.Join(c.dir, rel) }

// filePos is the position of a file as a whole (its first line).
func (c *catalogFS) filePos(rel string) catalog.Pos {
	return catalog.Pos{Filename: c.posName(rel), Line: 1, Column: 1}
}

// read reads the file at rel, which must be a regular file (a symbolic link
// to one is followed, as CUE and every editor do: repositories share a file
// between catalogs that way) of at most maxSize bytes. Anything else is
// described in problem, for a diagnostic at the file; err is for failures
// of the file system (a permission denied).
//
// A named pipe would block the read forever, and a device (/dev/zero) or a
// file growing without end would fill the memory: both are refused from
// their file mode, before they are opened, and the read itself stops at the
// cap whatever the size the file claimed.
func (c *catalogFS) read(rel string) (data []byte, problem string, err error) {
	p := c.inDir(rel)
	fi, err := fs.Stat(c.fsys, p) // follows symbolic links
	if errors.Is(err, fs.ErrNotExist) {
		// Listed, so it exists as a link.
		return nil, fmt.Sprintf("the file is a symbolic link to %s, which does not exist: point it at a .cue file or remove it", c.linkTarget(p)), nil
	}
	if err != nil {
		return nil, "", err
	}
	if what := irregular(fi.Mode()); what != "" {
		subject := "the file is " + what
		if target := c.linkTarget(p); target != "" {
			subject = fmt.Sprintf("the file is a symbolic link to %s, %s", target, what)
		}
		return nil, subject + ", not a regular file: svcgen reads only regular .cue files; replace it with one or remove it", nil
	}
	if fi.Size() > c.maxSize {
		return nil, c.tooLarge(fi.Size()), nil
	}
	f, err := c.open(p)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	// The file may have been replaced since it was looked at: judge the
	// one opened.
	if fi, err := f.Stat(); err != nil {
		return nil, "", err
	} else if what := irregular(fi.Mode()); what != "" {
		return nil, "the file is " + what + ", not a regular file: svcgen reads only regular .cue files; replace it with one or remove it", nil
	}
	data, err = io.ReadAll(io.LimitReader(f, c.maxSize+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > c.maxSize {
		return nil, c.tooLarge(-1), nil
	}
	return data, "", nil
}

// open opens the file at p. On disk it does not wait for a writer should
// the file have become a named pipe since it was looked at (O_NONBLOCK
// changes nothing for a regular file).
func (c *catalogFS) open(p string) (fs.File, error) {
	if c.onDisk {
		return os.OpenFile(filepath.Join(c.root, filepath.FromSlash(p)), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	}
	return c.fsys.Open(p)
}

func (c *catalogFS) tooLarge(size int64) string {
	what := "the file is larger than " + byteSize(c.maxSize)
	if size >= 0 {
		what = fmt.Sprintf("the file is %s, larger than %s", byteSize(size), byteSize(c.maxSize))
	}
	return what + ", the most svcgen reads of one .cue file: split it into several files"
}

// linkTarget returns where the symbolic link at p points, "" if p is not a
// link (or the file system cannot say).
func (c *catalogFS) linkTarget(p string) string {
	fi, err := fs.Lstat(c.fsys, p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return ""
	}
	target, err := fs.ReadLink(c.fsys, p)
	if err != nil {
		return "a file it cannot read"
	}
	return target
}

// irregular names what a file of mode m is when it is not a regular file.
func irregular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a file svcgen can read"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// walk lists the catalog directory: its own .cue files (rel names, sorted),
// and the .cue files of its subdirectories, which are not part of the
// catalog (see nestedErrors). It skips what CUE's own tooling skips when it
// looks for packages below a directory: cue.mod/, directories whose names
// start with "." or "_", testdata/, and directories that are modules of
// their own.
func (c *catalogFS) walk() (files, nested []string, err error) {
	err = fs.WalkDir(c.fsys, c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == c.dir {
			return nil
		}
		rel := strings.TrimPrefix(p, c.dir+"/")
		if c.dir == "." {
			rel = p
		}
		top := !strings.Contains(rel, "/")
		if d.IsDir() {
			name := d.Name()
			if name == "cue.mod" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return fs.SkipDir
			}
			if _, err := fs.Stat(c.fsys, path.Join(p, "cue.mod")); err == nil {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".cue") {
			return nil
		}
		if top {
			files = append(files, rel)
		} else {
			nested = append(nested, rel)
		}
		return nil
	})
	return files, nested, err
}

// nestedErrors refuses the .cue files in subdirectories of the catalog,
// except those of packages the catalog imports (dirs, relative to the
// catalog directory). CUE loads one directory as one package, and so does
// svcgen: a file below it would otherwise be skipped without a word, and the
// services in it would not exist.
func (c *catalogFS) nestedErrors(nested []string, imported map[string]bool) diag.List {
	var diags diag.List
	for _, rel := range nested {
		if imported[path.Dir(rel)] {
			continue
		}
		diags.Errorf(c.filePos(rel), RuleLoad,
			"svcgen does not load .cue files in subdirectories of the catalog directory %s (like cue, it loads one directory as one package), so what this file declares would not exist: move it into %s, or out of it",
			c.shown, c.shown)
	}
	return diags
}

// loadFS is the file system cue/load reads a catalog that imports packages
// of its module through: the catalog's file system with the schema files
// added to the catalog directory, and every file held to the checks of
// read (a regular file of at most maxSize bytes), imported packages
// included.
type loadFS struct {
	fs.FS
	c      *catalogFS
	dir    string            // the catalog directory in FS
	schema map[string][]byte // base name → contents, in dir
}

func (l *loadFS) schemaFile(name string) ([]byte, bool) {
	if path.Dir(name) != l.dir {
		return nil, false
	}
	data, ok := l.schema[path.Base(name)]
	return data, ok
}

func (l *loadFS) Open(name string) (fs.File, error) {
	if data, ok := l.schemaFile(name); ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(data))}, r: strings.NewReader(string(data))}, nil
	}
	fi, err := fs.Stat(l.FS, name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		if what := irregular(fi.Mode()); what != "" {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%s, not a regular file", what)}
		}
		if fi.Size() > l.c.maxSize {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New(l.c.tooLarge(fi.Size()))}
		}
	}
	f, err := l.FS.Open(name)
	if err != nil || fi.IsDir() {
		return f, err
	}
	return &cappedFile{File: f, left: l.c.maxSize, c: l.c}, nil
}

func (l *loadFS) Stat(name string) (fs.FileInfo, error) {
	if data, ok := l.schemaFile(name); ok {
		return memInfo{name: path.Base(name), size: int64(len(data))}, nil
	}
	return fs.Stat(l.FS, name)
}

func (l *loadFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(l.FS, name)
	if err != nil || name != l.dir {
		return entries, err
	}
	for base, data := range l.schema {
		entries = append(entries, fs.FileInfoToDirEntry(memInfo{name: base, size: int64(len(data))}))
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

func (l *loadFS) ReadFile(name string) ([]byte, error) {
	f, err := l.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// cappedFile fails a read past the cap, whatever size the file claimed.
type cappedFile struct {
	fs.File
	left int64
	c    *catalogFS
}

func (f *cappedFile) Read(p []byte) (int, error) {
	if f.left < 0 {
		return 0, errors.New(f.c.tooLarge(-1))
	}
	if int64(len(p)) > f.left+1 {
		p = p[:f.left+1]
	}
	n, err := f.File.Read(p)
	f.left -= int64(n)
	if f.left < 0 {
		return 0, errors.New(f.c.tooLarge(-1))
	}
	return n, err
}

type memFile struct {
	info memInfo
	r    *strings.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// relDir returns dir, a directory as cue/load names it, relative to the
// catalog directory, if it is below it.
func (c *catalogFS) relDir(dir string) (string, bool) {
	var rel string
	if c.onDisk {
		r, err := filepath.Rel(c.root, filepath.FromSlash(dir))
		if err != nil {
			return "", false
		}
		rel = filepath.ToSlash(r)
	} else {
		d := strings.TrimPrefix(dir, "/")
		if d == "" {
			d = "."
		}
		if c.dir == "." {
			rel = d
		} else if d == c.dir {
			rel = "."
		} else if after, ok := strings.CutPrefix(d, c.dir+"/"); ok {
			rel = after
		} else {
			return "", false
		}
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

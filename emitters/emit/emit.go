package emit

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/svcgen/svcgen/catalog"
)

// File is one generated file. Path is slash-separated and relative to the
// output directory.
type File struct {
	Path string
	Data []byte
}

// Emitter generates one target's files from a catalog, handing each file to
// out as it is produced, so that a build need not hold a large target in
// memory at once. EmitTo is a pure function: no disk, no clock, no map order
// in the files. It may call out from several goroutines and in any order
// (Collect sorts); it stops at out's first error.
type Emitter interface {
	// Name is the target's name ("prometheus"); its files live under it.
	Name() string
	EmitTo(c *catalog.Catalog, out func(File) error) error
}

// Collect runs e over c and returns its files sorted by path: what each
// target's Emit method returns.
func Collect(c *catalog.Catalog, e Emitter) ([]File, error) {
	var mu sync.Mutex
	var files []File
	err := e.EmitTo(c, func(f File) error {
		mu.Lock()
		files = append(files, f)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortFiles(files)
	return files, nil
}

func sortFiles(files []File) {
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
}

// Target is what one emitter produced.
type Target struct {
	Name  string
	Files []File
}

// Output is everything a build writes.
type Output struct {
	// Targets are in the emitters' order, each target's files sorted by path.
	Targets []Target
}

// Files returns every file of every target, sorted by path.
func (o *Output) Files() []File {
	var all []File
	for _, t := range o.Targets {
		all = append(all, t.Files...)
	}
	sortFiles(all)
	return all
}

// Render runs the emitters over c and returns their files. An emitter's
// error is a bug in svcgen, not in the catalog (the compiler checked it),
// and is returned as such.
func Render(c *catalog.Catalog, emitters []Emitter) (*Output, error) {
	out := &Output{Targets: make([]Target, len(emitters))}
	for i, e := range emitters {
		out.Targets[i].Name = e.Name()
	}
	var mu sync.Mutex
	_, err := RenderTo(c, emitters, func(i int, files []File) error {
		mu.Lock()
		out.Targets[i].Files = append(out.Targets[i].Files, files...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range out.Targets {
		sortFiles(t.Files)
	}
	if err := out.CheckPaths(); err != nil {
		return nil, err
	}
	return out, nil
}

// Stat is what one emitter produced, without the files.
type Stat struct {
	Name  string
	Files int
	Bytes int
}

// RenderTo runs the emitters concurrently and hands their files, with their
// paths checked, to sink (which may be called from several goroutines)
// file by file as the emitters produce them. A build thus writes one target while
// others still render, and need not hold all of them in memory. The stats
// are in the emitters' order.
func RenderTo(c *catalog.Catalog, emitters []Emitter, sink func(i int, files []File) error) ([]Stat, error) {
	stats := make([]Stat, len(emitters))
	errs := make([]error, len(emitters))
	var wg sync.WaitGroup
	for i, e := range emitters {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("%s emitter panicked: %v", e.Name(), r)
				}
			}()
			var mu sync.Mutex
			stats[i].Name = e.Name()
			err := e.EmitTo(c, func(f File) error {
				if err := CheckPath(f.Path); err != nil {
					return err
				}
				mu.Lock()
				stats[i].Files++
				stats[i].Bytes += len(f.Data)
				mu.Unlock()
				return sink(i, []File{f})
			})
			if err != nil {
				errs[i] = fmt.Errorf("%s emitter: %w", e.Name(), err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return stats, nil
}

// CheckPaths refuses two files at one path and a path that is both a file
// and a directory of others, across all targets.
func (o *Output) CheckPaths() error {
	owner := map[string]string{}
	for _, t := range o.Targets {
		for _, f := range t.Files {
			if prev, ok := owner[f.Path]; ok {
				return fmt.Errorf("%s and %s emitters both write %s", prev, t.Name, f.Path)
			}
			owner[f.Path] = t.Name
		}
	}
	for p := range owner {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if _, ok := owner[dir]; ok {
				return fmt.Errorf("%s is both a file and the directory of %s", dir, p)
			}
		}
	}
	return nil
}

// ManifestName is the file in which svcgen lists the files it wrote into an
// output directory, so that it removes only those when they go stale.
const ManifestName = ".svcgen-manifest"

// CheckPath refuses a path that could leave the output directory or clash
// with the manifest: it must be relative, slash-separated, clean, and free of
// "..", empty and hidden-dot segments.
func CheckPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty output path")
	case strings.ContainsRune(p, '\\') || strings.ContainsRune(p, 0):
		return fmt.Errorf("output path %q contains a backslash or NUL", p)
	case path.IsAbs(p):
		return fmt.Errorf("output path %q is absolute", p)
	case path.Clean(p) != p:
		return fmt.Errorf("output path %q is not clean", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
			return fmt.Errorf("output path %q has a %q segment", p, seg)
		}
	}
	return nil
}

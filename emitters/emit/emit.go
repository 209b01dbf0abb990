package emit

import (
	"fmt"
	"path"
	"sort"
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

// Emitter generates one target's files from a catalog. Emit is a pure
// function: no disk, no clock, no map order in its output.
type Emitter interface {
	// Name is the target's name ("prometheus"); its files live under it.
	Name() string
	Emit(c *catalog.Catalog) ([]File, error)
}

// Target is what one emitter produced.
type Target struct {
	Name  string
	Files []File
}

// Bytes is the total size of the target's files.
func (t Target) Bytes() int {
	n := 0
	for _, f := range t.Files {
		n += len(f.Data)
	}
	return n
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
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	return all
}

// Render runs the emitters over c and returns their files. An emitter's
// error is a bug in svcgen, not in the catalog (the compiler checked it),
// and is returned as such.
func Render(c *catalog.Catalog, emitters []Emitter) (*Output, error) {
	out := &Output{Targets: make([]Target, len(emitters))}
	_, err := RenderTo(c, emitters, func(i int, files []File) error {
		out.Targets[i] = Target{Name: emitters[i].Name(), Files: files}
		return nil
	})
	if err != nil {
		return nil, err
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

// RenderTo runs the emitters concurrently and hands each one's files,
// sorted by path and with their paths checked, to sink (which may be called
// from several goroutines) as soon as the emitter is done, so that a build
// can write one target while others still render, and need not hold all of
// them in memory. The stats are in the emitters' order.
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
			files, err := e.Emit(c)
			if err != nil {
				errs[i] = fmt.Errorf("%s emitter: %w", e.Name(), err)
				return
			}
			sort.Slice(files, func(a, b int) bool { return files[a].Path < files[b].Path })
			st := Stat{Name: e.Name(), Files: len(files)}
			for _, f := range files {
				if err := CheckPath(f.Path); err != nil {
					errs[i] = fmt.Errorf("%s emitter: %w", e.Name(), err)
					return
				}
				st.Bytes += len(f.Data)
			}
			stats[i] = st
			errs[i] = sink(i, files)
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

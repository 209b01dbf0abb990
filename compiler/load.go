package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
	"github.com/svcgen/svcgen/schema"
)

// PackageName is the CUE package every catalog file declares.
const PackageName = "catalog"

// schemaPrefix names the schema files overlaid beside the user's. A user file
// can't start with it: an overlay silently replaces a real file of the same
// name, so Compile refuses a directory that has one.
const schemaPrefix = "zz_svcgen_schema_"

// loaded is one evaluation of catalog files unified with the schema.
type loaded struct {
	value  cue.Value // the package value; its fields refer to the schema's definitions
	def    cue.Value // #Catalog itself, for the allowed fields and values
	schema map[string]bool
	src    *source
	files  []string // the user's .cue files, as positions name them
	idx    posIndex // positions of the fields the user wrote
}

func newLoaded(src *source) *loaded {
	l := &loaded{schema: map[string]bool{}, src: src, idx: src.idx}
	for _, f := range src.files {
		l.files = append(l.files, f.name)
	}
	for _, f := range schema.Files() {
		l.schema[src.posName(schemaPrefix+f.Name)] = true
	}
	return l
}

// evaluate unifies the user's syntax with the schema in a context of its
// own, so that evaluations can run concurrently.
func evaluate(src *source, user []*ast.File) (*loaded, diag.List, error) {
	l := newLoaded(src)
	inst := build.NewContext().NewInstance(src.posName("."), nil)
	for _, f := range schema.Files() {
		syn, err := parser.ParseFile(src.posName(schemaPrefix+f.Name), f.Data)
		if err != nil {
			return nil, nil, fmt.Errorf("schema: %w", err)
		}
		if err := inst.AddSyntax(syn); err != nil {
			return nil, nil, fmt.Errorf("schema: %w", err)
		}
	}
	var diags diag.List
	for _, f := range user {
		if err := inst.AddSyntax(f); err != nil {
			diags = append(diags, l.translate(err, cue.Value{})...)
		}
	}
	if diags.HasErrors() {
		return nil, diags, nil
	}
	v := cuecontext.New().BuildInstance(inst)
	return l, append(diags, l.validate(v)...), nil
}

// loadWhole evaluates a catalog that imports packages of its own module
// through cue/load, reading the module (cue.mod/ and the imported packages)
// from the catalog's file system with the schema added beside the user's
// files. A catalog on disk is read through the file system's root, so that
// its module may start above the catalog directory and positions stay
// absolute.
func loadWhole(src *source) (*loaded, diag.List, error) {
	l := newLoaded(src)
	lfs := &loadFS{c: src.catalogFS, schema: map[string][]byte{}}
	cfg := &load.Config{Package: PackageName}
	if src.onDisk {
		lfs.FS = os.DirFS("/")
		lfs.dir = strings.TrimPrefix(filepath.ToSlash(src.root), "/")
		cfg.Dir = filepath.ToSlash(src.root)
	} else {
		lfs.FS, lfs.dir = src.fsys, src.dir
		cfg.Dir = "/" + src.dir
		cfg.FromFSPath = func(p string) string {
			if p = strings.TrimPrefix(p, "/"); p == "" {
				return "."
			}
			return p
		}
	}
	for _, f := range schema.Files() {
		lfs.schema[schemaPrefix+f.Name] = f.Data
	}
	cfg.FS = lfs
	insts := load.Instances([]string{"."}, cfg)
	if len(insts) != 1 {
		return nil, nil, fmt.Errorf("loading %s: got %d instances", src.shown, len(insts))
	}
	inst := insts[0]
	if inst.Err != nil {
		return nil, l.translate(inst.Err, cue.Value{}), nil
	}
	// The packages the catalog imports may live in its subdirectories.
	imported := map[string]bool{}
	var visit func(*build.Instance)
	visit = func(i *build.Instance) {
		for _, imp := range i.Imports {
			if rel, ok := src.relDir(imp.Dir); ok && !imported[rel] {
				imported[rel] = true
				visit(imp)
			}
		}
	}
	visit(inst)
	if diags := src.nestedErrors(src.nested, imported); len(diags) > 0 {
		return nil, diags, nil
	}
	v := cuecontext.New().BuildInstance(inst)
	return l, l.validate(v), nil
}

// validate reports every error of the evaluated package.
func (l *loaded) validate(v cue.Value) diag.List {
	l.value = v
	l.def = v.LookupPath(cue.MakePath(cue.Def("Catalog")))
	diags := l.unknownTopLevel()
	// Validate reports every error, including the one v.Err() reports first.
	if err := v.Validate(cue.Concrete(true), cue.Final()); err != nil {
		diags = append(diags, l.translate(err, v)...)
	} else if err := v.Err(); err != nil {
		diags = append(diags, l.translate(err, v)...)
	}
	return diags
}

// importsModule reports whether a file imports a package that is not
// CUE's standard library (whose paths have no dot in their first element).
func importsModule(files []srcFile) bool {
	for _, f := range files {
		for imp := range f.syn.ImportSpecs() {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return true
			}
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") {
				return true
			}
		}
	}
	return false
}

func convPos(p token.Pos) catalog.Pos {
	if !p.IsValid() {
		return catalog.Pos{}
	}
	return catalog.Pos{Filename: p.Filename(), Line: p.Line(), Column: p.Column()}
}

// errorPositions lists e's positions in user files, first the primary one.
func (l *loaded) errorPositions(e cueerrors.Error) []catalog.Pos {
	var out []catalog.Pos
	seen := map[catalog.Pos]bool{}
	add := func(p token.Pos) {
		if !p.IsValid() || l.schema[p.Filename()] {
			return
		}
		cp := convPos(p)
		if !seen[cp] {
			seen[cp] = true
			out = append(out, cp)
		}
	}
	add(e.Position())
	for _, p := range e.InputPositions() {
		add(p)
	}
	return out
}

// literalAt returns the literal token at p in the user's file: a quoted
// string or a bare word or number, as written.
func (l *loaded) literalAt(p catalog.Pos) string {
	data := l.src.data(p.Filename)
	lines := strings.Split(string(data), "\n")
	if p.Line < 1 || p.Line > len(lines) {
		return ""
	}
	line := lines[p.Line-1]
	if p.Column < 1 || p.Column > len(line) {
		return ""
	}
	rest := line[p.Column-1:]
	if strings.HasPrefix(rest, `"`) {
		if end := strings.IndexByte(rest[1:], '"'); end >= 0 {
			return rest[:end+2]
		}
		return ""
	}
	end := strings.IndexAny(rest, " \t,}]")
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// unknownTopLevel reports top-level fields #Catalog does not declare; below
// the top level the schema's definitions close every struct.
func (l *loaded) unknownTopLevel() diag.List {
	allowed := fieldsOf(l.def)
	known := map[string]bool{}
	for _, f := range allowed {
		known[f] = true
	}
	var diags diag.List
	it, err := l.value.Fields()
	if err != nil {
		return nil
	}
	for it.Next() {
		name := it.Selector().Unquoted()
		if !known[name] {
			diags.Errorf(l.idx[name], RuleSchema, "field %q is not allowed in the catalog%s; allowed: %s",
				name, suggest.DidYouMean(name, allowed), strings.Join(allowed, ", "))
		}
	}
	return diags
}

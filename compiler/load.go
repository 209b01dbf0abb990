package compiler

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
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

// loaded is a catalog directory unified with the schema.
type loaded struct {
	value   cue.Value // the package value closed by #Catalog
	def     cue.Value // #Catalog itself, for the allowed fields and values
	schema  map[string]bool
	files   []string // the user's .cue files, absolute
	userDir string
	idx     posIndex // positions of the fields the user wrote
}

// loadDir reads dir's package catalog with the schema overlaid. Mistakes in the
// catalog come back as diagnostics; failures of the tool as an error.
func loadDir(dir string) (*loaded, diag.List, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("catalog directory %s is not a directory", dir)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, nil, err
	}
	var files []string
	var diags diag.List
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".cue") {
			continue
		}
		path := filepath.Join(abs, e.Name())
		if strings.HasPrefix(e.Name(), schemaPrefix) {
			diags.Errorf(catalog.Pos{Filename: path, Line: 1, Column: 1}, RuleLoad,
				"file name %s is reserved for svcgen's schema: rename the file", e.Name())
			continue
		}
		files = append(files, path)
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("no .cue files in %s", dir)
	}
	if diags.HasErrors() {
		return nil, diags, nil
	}

	l := &loaded{schema: map[string]bool{}, files: files, userDir: abs}
	overlay := map[string]load.Source{}
	for _, f := range schema.Files() {
		name := filepath.Join(abs, schemaPrefix+f.Name)
		overlay[name] = load.FromBytes(f.Data)
		l.schema[name] = true
	}
	insts := load.Instances([]string{"."}, &load.Config{Dir: abs, Package: PackageName, Overlay: overlay})
	if len(insts) != 1 {
		return nil, nil, fmt.Errorf("loading %s: got %d instances", dir, len(insts))
	}
	inst := insts[0]
	diags = append(diags, ignoredFiles(inst)...)
	if inst.Err != nil {
		diags = append(diags, l.translate(inst.Err, cue.Value{})...)
		return nil, diags, nil
	}
	var userFiles []*ast.File
	for _, f := range inst.Files {
		if !l.schema[f.Filename] {
			userFiles = append(userFiles, f)
		}
	}
	sort.Slice(userFiles, func(i, j int) bool { return userFiles[i].Filename < userFiles[j].Filename })
	l.idx = indexFiles(userFiles)
	ctx := cuecontext.New()
	v := ctx.BuildInstance(inst)
	l.def = v.LookupPath(cue.MakePath(cue.Def("Catalog")))
	if !l.def.Exists() {
		return nil, nil, errors.New("schema has no #Catalog definition")
	}
	l.value = v
	diags = append(diags, l.unknownTopLevel()...)
	// Validate reports every error, including the ones v.Err() would
	// report first.
	if err := v.Validate(cue.Concrete(true), cue.Final()); err != nil {
		diags = append(diags, l.translate(err, v)...)
	} else if err := v.Err(); err != nil {
		diags = append(diags, l.translate(err, v)...)
	}
	return l, diags, nil
}

// ignoredFiles turns the files cue/load dropped for another package clause
// into errors: dropping them silently loses services without a word.
func ignoredFiles(inst *build.Instance) diag.List {
	var diags diag.List
	files := append([]*build.File(nil), inst.IgnoredFiles...)
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	for _, f := range files {
		if !strings.HasSuffix(f.Filename, ".cue") {
			continue
		}
		pos := catalog.Pos{Filename: f.Filename, Line: 1, Column: 1}
		name := ""
		if syn, err := parser.ParseFile(f.Filename, nil, parser.PackageClauseOnly); err == nil {
			name = syn.PackageName()
			if pkg := packageClause(syn); pkg != nil {
				pos = convPos(pkg.Pos())
			}
		}
		if name == PackageName {
			continue // skipped for another reason (a build attribute)
		}
		if name == "" {
			diags.Errorf(pos, RuleLoad, "file has no package clause, so CUE would skip it: start it with \"package %s\"", PackageName)
			continue
		}
		diags.Errorf(pos, RuleLoad, "package %s is not package %s, so CUE would skip this file: write \"package %s\"", name, PackageName, PackageName)
	}
	return diags
}

func packageClause(f *ast.File) *ast.Package {
	for _, d := range f.Decls {
		if p, ok := d.(*ast.Package); ok {
			return p
		}
	}
	return nil
}

func convPos(p token.Pos) catalog.Pos {
	if !p.IsValid() {
		return catalog.Pos{}
	}
	return catalog.Pos{Filename: p.Filename(), Line: p.Line(), Column: p.Column()}
}

// userPos returns the position the user wrote v at, or an invalid Pos when
// v's value comes from the schema alone.
func (l *loaded) userPos(v cue.Value) catalog.Pos {
	if p := v.Pos(); p.IsValid() && !l.schema[p.Filename()] {
		return convPos(p)
	}
	// A value the user wrote over a schema default may report the default's
	// position; its conjuncts tell where the user's half is.
	if op, args := v.Expr(); op == cue.AndOp {
		for _, a := range args {
			if p := a.Pos(); p.IsValid() && !l.schema[p.Filename()] {
				return convPos(p)
			}
		}
	}
	return catalog.Pos{}
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
func literalAt(p catalog.Pos) string {
	data, err := os.ReadFile(p.Filename)
	if err != nil {
		return ""
	}
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
			diags.Errorf(l.userPos(it.Value()), RuleSchema, "field %q is not allowed in the catalog%s; allowed: %s",
				name, suggest.DidYouMean(name, allowed), strings.Join(allowed, ", "))
		}
	}
	return diags
}

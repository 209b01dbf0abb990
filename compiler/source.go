package compiler

import (
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"golang.org/x/sync/errgroup"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// source is a catalog directory read and parsed.
type source struct {
	*catalogFS
	files  []srcFile // sorted by name
	nested []string  // .cue files in subdirectories, relative to the directory
	idx    posIndex  // positions of every field the user wrote
}

type srcFile struct {
	name string // as positions name it
	data []byte
	syn  *ast.File
	// Of a plain file: whether it has catalog-wide fields, and teams among
	// them; the services it declares.
	global, teams bool
	services      []string
}

// readSource reads and parses the .cue files of the catalog directory.
// Files CUE would skip for their package clause, files that are not
// regular or too large, syntax errors, file names reserved for the schema
// and .cue files in subdirectories come back as diagnostics.
func readSource(cfg Config) (*source, diag.List, error) {
	cfs, err := openCatalogFS(cfg)
	if err != nil {
		return nil, nil, err
	}
	names, nested, err := cfs.walk()
	if err != nil {
		return nil, nil, err
	}
	s := &source{catalogFS: cfs, nested: nested}
	var diags diag.List
	for _, rel := range names {
		if strings.HasPrefix(rel, schemaPrefix) {
			diags.Errorf(s.filePos(rel), RuleLoad,
				"file name %s is reserved for svcgen's schema: rename the file", rel)
			continue
		}
		data, problem, err := s.read(rel)
		if err != nil {
			return nil, nil, err
		}
		if problem != "" {
			diags.Errorf(s.filePos(rel), RuleLoad, "%s", problem)
			continue
		}
		s.files = append(s.files, srcFile{name: s.posName(rel), data: data})
	}
	if len(s.files) == 0 && len(diags) == 0 && len(nested) == 0 {
		return nil, nil, fmt.Errorf("no .cue files in %s", cfg.Dir)
	}

	// Parse on every core: a thousand-file catalog spends a tenth of a
	// second here.
	errs := make([]error, len(s.files))
	parallel(len(s.files), func(i int) {
		s.files[i].syn, errs[i] = parser.ParseFile(s.files[i].name, s.files[i].data)
	})
	for i, f := range s.files {
		if errs[i] != nil {
			diags = append(diags, syntaxErrors(errs[i])...)
			continue
		}
		diags = append(diags, packageClause(f)...)
		diags = append(diags, embedAttributes(f)...)
	}
	if !diags.HasErrors() && !importsModule(s.files) {
		// A catalog that imports packages of its module may hold them in
		// subdirectories: loadWhole tells them apart.
		diags = append(diags, s.nestedErrors(s.nested, nil)...)
	}
	if diags.HasErrors() {
		return nil, diags, nil
	}
	syns := make([]*ast.File, len(s.files))
	for i, f := range s.files {
		syns[i] = f.syn
	}
	s.idx = indexFiles(syns)
	return s, diags, nil
}

// data returns the contents of the catalog file that positions call name.
func (s *source) data(name string) []byte {
	for _, f := range s.files {
		if f.name == name {
			return f.data
		}
	}
	return nil
}

func syntaxErrors(err error) diag.List {
	var diags diag.List
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		diags.Errorf(convPos(e.Position()), RuleSchema, format, args...)
	}
	return diags
}

// packageClause refuses a file CUE would skip without a word: one without a
// package clause or with another package's.
func packageClause(f srcFile) diag.List {
	var diags diag.List
	name := f.syn.PackageName()
	pos := catalog.Pos{Filename: f.name, Line: 1, Column: 1}
	for _, d := range f.syn.Decls {
		if p, ok := d.(*ast.Package); ok {
			pos = convPos(p.Pos())
		}
	}
	switch name {
	case PackageName:
	case "":
		diags.Errorf(pos, RuleLoad, "file has no package clause, so CUE would skip it: start it with \"package %s\"", PackageName)
	default:
		diags.Errorf(pos, RuleLoad, "package %s is not package %s, so CUE would skip this file: write \"package %s\"", name, PackageName, PackageName)
	}
	return diags
}

// parallel runs f(0..n-1) on every core.
func parallel(n int, f func(i int)) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range n {
		g.Go(func() error { f(i); return nil })
	}
	g.Wait()
}

// Plain catalogs.
//
// Most catalogs are plain data: fields, strings, numbers, lists and structs,
// no references, comprehensions or imports. Their services are independent
// of one another once settings, teams and matrices are known, so svcgen
// evaluates them in chunks, in parallel, each chunk with the schema, the
// catalog-wide fields and its own services only. That uses every core and
// keeps only a few chunks' evaluation graphs in memory at once. A catalog
// that uses any other CUE feature is evaluated whole.

// plain reports whether every file is plain data, and notes what each file
// declares for chunks.
func (s *source) plain() bool {
	for i := range s.files {
		f := &s.files[i]
		for _, d := range f.syn.Decls {
			switch d := d.(type) {
			case *ast.Package, *ast.CommentGroup:
			case *ast.Field:
				if !plainField(d) {
					return false
				}
				switch name, _, _ := ast.LabelName(d.Label); name {
				case "services":
				case "teams":
					f.teams = true
				default:
					f.global = true
				}
			default:
				return false
			}
		}
		for _, svc := range serviceFields(f.syn) {
			name, _, _ := ast.LabelName(svc.Label)
			f.services = append(f.services, name)
		}
	}
	return true
}

func plainField(f *ast.Field) bool {
	if f.Constraint != token.ILLEGAL || len(f.Attrs) > 0 {
		return false
	}
	switch l := f.Label.(type) {
	case *ast.Ident:
		if strings.HasPrefix(l.Name, "#") || strings.HasPrefix(l.Name, "_") {
			return false
		}
	case *ast.BasicLit:
		if l.Kind != token.STRING {
			return false
		}
	default:
		return false
	}
	return plainExpr(f.Value)
}

func plainExpr(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return plainLiteral(x)
	case *ast.UnaryExpr:
		lit, ok := x.X.(*ast.BasicLit)
		return x.Op == token.SUB && ok && plainLiteral(lit)
	case *ast.ListLit:
		for _, el := range x.Elts {
			if !plainExpr(el) {
				return false
			}
		}
		return true
	case *ast.StructLit:
		for _, el := range x.Elts {
			switch el := el.(type) {
			case *ast.CommentGroup:
			case *ast.Field:
				if !plainField(el) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

// plainLiteral accepts the literals Go reads the same way CUE does: quoted
// strings, decimal numbers, true, false and null. (CUE's raw strings,
// multiplier suffixes and digit separators make a catalog whole-evaluated.)
func plainLiteral(l *ast.BasicLit) bool {
	switch l.Kind {
	case token.STRING:
		_, err := strconv.Unquote(l.Value)
		return err == nil
	case token.INT, token.FLOAT:
		_, err := strconv.ParseFloat(l.Value, 64)
		return err == nil && !strings.ContainsAny(l.Value, "xXoObB_")
	case token.TRUE, token.FALSE, token.NULL:
		return true
	}
	return false
}

// chunk is one evaluation of a plain catalog: the catalog-wide fields of
// every file (teams only in the primary chunk) and the services named in
// owns.
type chunk struct {
	owns    map[string]bool
	primary bool // lowers settings and teams
}

// chunkSize is the number of services evaluated together: large enough that
// evaluating the schema and the catalog-wide fields once per chunk costs
// little, small enough to spread a catalog over the cores and to bound the
// memory of the evaluations in flight.
const chunkSize = 128

// chunks splits a plain catalog's services into chunks by name.
func (s *source) chunks() []chunk {
	names := s.serviceNames()
	n := max(1, (len(names)+chunkSize-1)/chunkSize)
	out := make([]chunk, n)
	for i := range out {
		out[i].owns = map[string]bool{}
	}
	out[0].primary = true
	for i, name := range names {
		out[i*n/max(len(names), 1)].owns[name] = true
	}
	return out
}

func (s *source) serviceNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, f := range s.files {
		for _, name := range f.services {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// serviceFields returns the fields below the top-level services fields of a
// plain file.
func serviceFields(f *ast.File) []*ast.Field {
	var out []*ast.Field
	for _, d := range f.Decls {
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, _ := ast.LabelName(fd.Label); name != "services" {
			continue
		}
		if st, ok := fd.Value.(*ast.StructLit); ok {
			for _, el := range st.Elts {
				if svc, ok := el.(*ast.Field); ok {
					out = append(out, svc)
				}
			}
		}
	}
	return out
}

// syntax parses the chunk's view of the catalog afresh (evaluation may
// annotate syntax trees, and chunks are evaluated concurrently): every file
// keeps its catalog-wide fields and the services the chunk owns.
func (s *source) syntax(c chunk) ([]*ast.File, error) {
	var out []*ast.File
	for _, sf := range s.files {
		if !sf.needed(c) {
			continue
		}
		f, err := parser.ParseFile(sf.name, sf.data)
		if err != nil {
			return nil, err
		}
		keep := f.Decls[:0]
		for _, d := range f.Decls {
			fd, ok := d.(*ast.Field)
			if !ok {
				keep = append(keep, d)
				continue
			}
			name, _, _ := ast.LabelName(fd.Label)
			if name == "teams" && !c.primary {
				// Only the primary chunk lowers teams; services do not read
				// them (the rules check references on the merged model).
				// Evaluating every team in every chunk would make a catalog
				// whose teams grow with its services quadratic.
				continue
			}
			if name != "services" {
				keep = append(keep, d)
				continue
			}
			st, ok := fd.Value.(*ast.StructLit)
			if !ok {
				continue
			}
			elts := st.Elts[:0]
			for _, el := range st.Elts {
				svc, ok := el.(*ast.Field)
				if !ok {
					continue
				}
				if name, _, _ := ast.LabelName(svc.Label); c.owns[name] {
					elts = append(elts, el)
				}
			}
			if len(elts) > 0 {
				st.Elts = elts
				keep = append(keep, fd)
			}
		}
		f.Decls = keep
		out = append(out, f)
	}
	return out, nil
}

// needed reports whether a chunk reads the file: it has catalog-wide fields
// (settings, matrices; teams for the primary chunk) or services the chunk
// owns.
func (f srcFile) needed(c chunk) bool {
	if f.global || f.teams && c.primary {
		return true
	}
	for _, name := range f.services {
		if c.owns[name] {
			return true
		}
	}
	return false
}

// callees reads, from the syntax of a plain catalog, what dependencies need
// to know of the services they call: tier, port and traffic. Chunks lower
// dependencies on services other chunks evaluate.
func (s *source) callees() map[string]callee {
	out := map[string]callee{}
	for _, f := range s.files {
		for _, svc := range serviceFields(f.syn) {
			name, _, _ := ast.LabelName(svc.Label)
			c := out[name]
			body, _ := svc.Value.(*ast.StructLit)
			if body == nil {
				continue
			}
			for _, el := range body.Elts {
				fd, ok := el.(*ast.Field)
				if !ok {
					continue
				}
				label, _, _ := ast.LabelName(fd.Label)
				switch label {
				case "tier":
					if v, ok := literalString(fd.Value); ok {
						c.Tier = catalog.Tier(v)
					}
				case "port":
					if lit, ok := fd.Value.(*ast.BasicLit); ok && lit.Kind == token.INT {
						c.Port, _ = strconv.Atoi(lit.Value)
					}
				case "traffic":
					if t := literalTraffic(fd.Value); t != nil {
						c.Traffic = t
					}
				}
			}
			out[name] = c
		}
	}
	return out
}

func literalString(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func literalTraffic(e ast.Expr) *catalog.Traffic {
	st, ok := e.(*ast.StructLit)
	if !ok {
		return nil
	}
	var t catalog.Traffic
	for _, el := range st.Elts {
		fd, ok := el.(*ast.Field)
		if !ok {
			continue
		}
		label, _, _ := ast.LabelName(fd.Label)
		switch label {
		case "peakRPS":
			if lit, ok := fd.Value.(*ast.BasicLit); ok {
				t.PeakRPS, _ = strconv.ParseFloat(lit.Value, 64)
			}
		case "p99":
			if v, ok := literalString(fd.Value); ok {
				t.P99, _ = catalog.ParseDuration(v)
			}
		}
	}
	return &t
}

// embedAttributes refuses @extern(embed) and @embed: embedding reads files
// beside the catalog, past the checks every catalog file gets (a regular
// file, a size cap), into values emitters publish. CUE reports the attempt
// without a position outside a module; svcgen points at the attribute.
func embedAttributes(f srcFile) diag.List {
	var diags diag.List
	ast.Walk(f.syn, func(n ast.Node) bool {
		a, ok := n.(*ast.Attribute)
		if !ok {
			return true
		}
		switch name, body := a.Split(); {
		case name == "embed":
			diags.Errorf(convPos(a.Pos()), RuleLoad, "@embed: svcgen does not embed files into the catalog (it reads only the catalog's own .cue files): write the value in the catalog instead")
		case name == "extern" && strings.TrimSpace(body) == "embed":
			diags.Errorf(convPos(a.Pos()), RuleLoad, "@extern(embed): svcgen does not embed files into the catalog (it reads only the catalog's own .cue files): remove the attribute and write the values in the catalog")
		}
		return false
	}, nil)
	return diags
}

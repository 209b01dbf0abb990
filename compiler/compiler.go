package compiler

import (
	"io/fs"

	"cuelang.org/go/cue/ast"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/diag"
)

// Config says what to compile.
type Config struct {
	// Dir is the catalog directory: a directory on disk, or, when FS is
	// set, a slash-separated path within FS ("" or "." for its root).
	Dir string
	// FS, when set, holds the catalog instead of the disk: tests compile
	// catalogs in memory (fstest.MapFS), in parallel. Positions then name
	// files by their path in FS ("catalog/services.cue"), and a catalog that
	// imports packages of its module finds cue.mod/ in FS. Positions of a
	// catalog on disk are absolute.
	FS fs.FS
	// MaxFileSize caps the size of each .cue file read; 0 means
	// MaxFileSize.
	MaxFileSize int64
	// Rules are the semantic rules to apply; nil means check.All().
	Rules []*check.Rule

	// KeepModel returns the model even when rules found errors, as long as
	// the catalog itself compiled (svcgen graph draws the findings on it).
	KeepModel bool

	// whole evaluates a plain catalog whole rather than in chunks (tests
	// compare the two).
	whole bool
}

// Compile loads, validates, lowers and checks the catalog in cfg.Dir (of
// cfg.FS, if set).
//
// The model is nil when the catalog has errors (but see KeepModel);
// diagnostics are sorted and
// de-duplicated. err is reserved for failures of the tool itself (an
// unreadable directory), never for mistakes in the catalog.
func Compile(cfg Config) (*catalog.Catalog, diag.List, error) {
	src, diags, err := readSource(cfg)
	if err != nil {
		return nil, nil, err
	}
	if src == nil || diags.HasErrors() {
		return nil, diags.Sort(), nil
	}
	parts, more, err := lowerSource(src, cfg.whole)
	if err != nil {
		return nil, nil, err
	}
	diags = append(diags, more...)
	if diags.HasErrors() {
		// Rules assume a model whose values all parsed.
		return nil, diags.Sort(), nil
	}
	var services []*catalog.Service
	for _, p := range parts {
		services = append(services, p.services...)
	}
	c := catalog.New(parts[0].settings, parts[0].teams, services)
	// Timeouts and retries the catalog does not write follow from the
	// whole call graph, so they are derived once every part is lowered.
	deriveBudgets(c)
	rules := cfg.Rules
	if rules == nil {
		rules = check.All()
	}
	diags = append(diags, check.Run(c, rules)...).Sort()
	if diags.HasErrors() && !cfg.KeepModel {
		return nil, diags, nil
	}
	return c, diags, nil
}

// lowerSource evaluates and lowers the catalog: a plain one in chunks on
// every core (see source.plain), any other whole. The first part holds the
// catalog-wide values.
func lowerSource(src *source, whole bool) ([]part, diag.List, error) {
	if whole || !src.plain() {
		var l *loaded
		var diags diag.List
		var err error
		if importsModule(src.files) {
			l, diags, err = loadWhole(src)
		} else {
			syns := make([]*ast.File, len(src.files))
			for i, f := range src.files {
				syns[i] = f.syn
			}
			l, diags, err = evaluate(src, syns)
		}
		if err != nil || l == nil || diags.HasErrors() {
			return nil, diags, err
		}
		r := &reader{l: l}
		p := r.lower(nil)
		return []part{p}, append(diags, r.diags...), nil
	}

	chunks := src.chunks()
	callees := src.callees()
	parts := make([]part, len(chunks))
	diags := make([]diag.List, len(chunks))
	errs := make([]error, len(chunks))
	parallel(len(chunks), func(i int) {
		syn, err := src.syntax(chunks[i])
		if err != nil {
			errs[i] = err
			return
		}
		l, d, err := evaluate(src, syn)
		if err != nil || l == nil || d.HasErrors() {
			diags[i], errs[i] = d, err
			return
		}
		r := &reader{l: l}
		parts[i] = r.lower(callees)
		diags[i] = append(d, r.diags...)
	})
	var all diag.List
	for i := range chunks {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		all = append(all, diags[i]...)
	}
	return parts, all, nil
}

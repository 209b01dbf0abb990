package compiler

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/diag"
)

// Config says what to compile.
type Config struct {
	// Dir is the catalog directory.
	Dir string
	// Rules are the semantic rules to apply; nil means check.All().
	Rules []*check.Rule
}

// Compile loads, validates, lowers and checks the catalog in cfg.Dir.
//
// The model is nil when the catalog has errors; diagnostics are sorted and
// de-duplicated. err is reserved for failures of the tool itself (an
// unreadable directory), never for mistakes in the catalog.
func Compile(cfg Config) (*catalog.Catalog, diag.List, error) {
	l, diags, err := loadDir(cfg.Dir)
	if err != nil {
		return nil, nil, err
	}
	if l == nil || diags.HasErrors() {
		return nil, diags.Sort(), nil
	}
	r := &reader{l: l}
	c := r.lower()
	diags = append(diags, r.diags...)
	if diags.HasErrors() {
		// Rules assume a model whose values all parsed.
		return nil, diags.Sort(), nil
	}
	rules := cfg.Rules
	if rules == nil {
		rules = check.All()
	}
	diags = append(diags, check.Run(c, rules)...).Sort()
	if diags.HasErrors() {
		return nil, diags, nil
	}
	return c, diags, nil
}

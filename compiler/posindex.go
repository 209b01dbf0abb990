package compiler

import (
	"strings"

	"cuelang.org/go/cue/ast"

	"github.com/svcgen/svcgen/catalog"
)

// posIndex maps the path of every field the user wrote to its position: the
// label of a struct-valued field (where a reader looks for a service or a
// dependency) and the value of any other (where the fix goes). Reading
// positions off the user's syntax is exact and cheap; asking CUE which
// conjunct of a unified value came from which file re-evaluates the value.
type posIndex map[string]catalog.Pos

// pathSep joins path elements in index keys; labels cannot contain it.
const pathSep = "\x1f"

func joinPath(parts ...string) string { return strings.Join(parts, pathSep) }

// indexFiles records the fields of the user's files. A field written in two
// files keeps its first position (files come sorted by name).
func indexFiles(files []*ast.File) posIndex {
	idx := posIndex{}
	for _, f := range files {
		idx.addDecls(f.Decls, "")
	}
	return idx
}

func (idx posIndex) addDecls(decls []ast.Decl, prefix string) {
	for _, d := range decls {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(f.Label)
		if err != nil {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + pathSep + name
		}
		if s, ok := f.Value.(*ast.StructLit); ok {
			if _, seen := idx[key]; !seen {
				idx[key] = convPos(f.Label.Pos())
			}
			idx.addDecls(s.Elts, key)
			continue
		}
		if _, seen := idx[key]; !seen {
			idx[key] = convPos(f.Value.Pos())
		}
	}
}

package catalog

import (
	"fmt"
	"path/filepath"
)

// Pos is a position in a catalog file. Filename is as the loader saw it
// (absolute); use Rel to print it relative to a directory.
type Pos struct {
	Filename string `json:"-"`
	Line     int    `json:"-"`
	Column   int    `json:"-"`
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.Filename != "" }

// String formats p as file:line:col (or file alone when no line is known).
func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	if p.Line == 0 {
		return p.Filename
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// Rel returns p with its file name made relative to dir when that is shorter
// and does not climb out of dir; diagnostics are printed this way.
func (p Pos) Rel(dir string) Pos {
	if !p.IsValid() || dir == "" || !filepath.IsAbs(p.Filename) {
		return p
	}
	rel, err := filepath.Rel(dir, p.Filename)
	if err != nil || rel == ".." || len(rel) > 3 && rel[:3] == ".."+string(filepath.Separator) {
		return p
	}
	p.Filename = rel
	return p
}

// Less orders positions by file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.Filename != q.Filename {
		return p.Filename < q.Filename
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}

// Source says where a resolved value came from: the catalog position the user
// wrote it at, or the default that supplied it ("tier critical",
// "kind external default", "profile core", "derived: ...").
type Source struct {
	Pos     Pos
	Default string
}

// String renders s for `svcgen explain`.
func (s Source) String() string {
	if s.Default != "" {
		return s.Default
	}
	return s.Pos.String()
}

// Sources maps a field path of a resolved node ("timeout.perTry",
// "objective") to where its value came from.
type Sources map[string]Source

// Pos returns the position the user wrote field at, or fallback when the
// value is a default (a diagnostic then points at the enclosing node, which
// is where an override would go).
func (s Sources) Pos(field string, fallback Pos) Pos {
	if src, ok := s[field]; ok && src.Pos.IsValid() && src.Default == "" {
		return src.Pos
	}
	return fallback
}

// Package draft is the catalog an import writes: teams, services and their
// SLOs as plain values, turned into CUE files through CUE's own syntax tree
// (cuelang.org/go/cue/ast) and formatter, never through text templates.
//
// Input: a *Catalog built by an importer (interop/sloth, interop/openslo).
// Output: one file per service, plus teams.cue and settings.cue, each
// formatted by cue/format; values the spec did not say are written with a
// Fill comment, and listed by Catalog.Fills for the command to print.
package draft

import (
	"fmt"
	"sort"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"
)

// Fill marks, in a comment, a value the import had to invent: the user must
// replace it. `grep -rn 'TODO(svcgen import)'` finds them all.
const Fill = "TODO(svcgen import)"

// Catalog is an imported catalog.
type Catalog struct {
	// From names the spec format in each file's header ("Sloth", "OpenSLO").
	From        string
	DefaultTeam string
	// DefaultReceiver is the default team's receiver kind, when set.
	DefaultReceiver string
	// SMTP are the fields of settings.alerting.smtp, when any.
	SMTP     []Field
	Teams    []*Team
	Services []*Service
	// Fills lists the invented values, one line each, for stderr.
	Fills []string
}

// Team is a team with its receivers.
type Team struct {
	Name      string
	Receivers []Receiver
	// Page and Notify are written when set.
	Page, Notify string
	// Note is a comment above the team (why it exists, what to fill).
	Note []string
}

// Receiver is one receiver of a team: its kind and fields, in order.
type Receiver struct {
	Kind   string
	Fields []Field
}

// Field is one field of a receiver or service.
type Field struct {
	Name string
	// Value is a string, an int, a bool or a Number.
	Value any
	// Note is a comment written above the field.
	Note []string
}

// Number is a numeric literal written as is ("99.9").
type Number string

// Service is one service and its SLOs.
type Service struct {
	Name string
	// Note is the comment above the service: where it came from, what was
	// dropped.
	Note   []string
	Fields []Field // team, tier, description, image, in this order
	SLOs   []*SLO
}

// SLO is one SLO of a service.
type SLO struct {
	Name   string
	Note   []string
	Fields []Field // kind, objective, period, threshold, minRequests, description
	// ErrorQuery and TotalQuery are the custom SLI, when set.
	ErrorQuery, TotalQuery string
}

// FillNote returns the comment line of a value to fill.
func FillNote(format string, args ...any) string {
	return Fill + ": " + fmt.Sprintf(format, args...)
}

// Files returns the catalog's files by name, each formatted CUE.
func (c *Catalog) Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	header := fmt.Sprintf("Imported from %s by svcgen import; edit freely, this file is not regenerated.", c.From)
	def := []any{field("team", ast.NewString(c.DefaultTeam))}
	if c.DefaultReceiver != "" {
		def = append(def, field("receiver", ast.NewString(c.DefaultReceiver)))
	}
	alerting := []any{field("defaultReceiver", ast.NewStruct(def...), "Alerts no team route matches go to this team.")}
	if len(c.SMTP) > 0 {
		alerting = append(alerting, field("smtp", fieldsStruct(c.SMTP)))
	}
	settings := &ast.File{Decls: []ast.Decl{
		pkg(header),
		path([]string{"settings", "alerting"}, ast.NewStruct(alerting...)),
	}}
	if err := put(out, "settings.cue", settings); err != nil {
		return nil, err
	}
	teams := &ast.File{Decls: []ast.Decl{pkg(header)}}
	var teamFields []any
	for _, t := range c.Teams {
		var recv []any
		for _, r := range t.Receivers {
			recv = append(recv, field(r.Kind, fieldsStruct(r.Fields)))
		}
		body := []any{field("receivers", ast.NewStruct(recv...))}
		if t.Page != "" {
			body = append(body, field("page", ast.NewString(t.Page)))
		}
		if t.Notify != "" {
			body = append(body, field("notify", ast.NewString(t.Notify)))
		}
		teamFields = append(teamFields, field(t.Name, ast.NewStruct(body...), t.Note...))
	}
	teams.Decls = append(teams.Decls, field("teams", ast.NewStruct(teamFields...)))
	if err := put(out, "teams.cue", teams); err != nil {
		return nil, err
	}
	for _, s := range c.Services {
		body := fieldsList(s.Fields)
		if len(s.SLOs) > 0 {
			var slos []any
			for _, o := range s.SLOs {
				ob := fieldsList(o.Fields)
				if o.ErrorQuery != "" || o.TotalQuery != "" {
					ob = append(ob, field("sli", ast.NewStruct(
						field("errorQuery", str(o.ErrorQuery)),
						field("totalQuery", str(o.TotalQuery)),
					)))
				}
				slos = append(slos, field(o.Name, ast.NewStruct(ob...), o.Note...))
			}
			body = append(body, field("slos", ast.NewStruct(slos...)))
		}
		f := &ast.File{Decls: []ast.Decl{pkg(header),
			path([]string{"services", s.Name}, ast.NewStruct(body...), s.Note...)}}
		name := s.Name + ".cue"
		if name == "settings.cue" || name == "teams.cue" {
			name = "service-" + name
		}
		if err := put(out, name, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FileNames returns the names of files in order.
func FileNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func put(out map[string][]byte, name string, f *ast.File) error {
	b, err := format.Node(f, format.Simplify())
	if err != nil {
		return fmt.Errorf("formatting %s: %v", name, err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	out[name] = b
	return nil
}

func pkg(header string) *ast.Package {
	p := &ast.Package{Name: ast.NewIdent("catalog")}
	comment(p, header)
	return p
}

func fieldsList(fs []Field) []any {
	var out []any
	for _, f := range fs {
		out = append(out, field(f.Name, value(f.Value), f.Note...))
	}
	return out
}

func fieldsStruct(fs []Field) *ast.StructLit { return ast.NewStruct(fieldsList(fs)...) }

func value(v any) ast.Expr {
	switch v := v.(type) {
	case string:
		return str(v)
	case int:
		return ast.NewLit(token.INT, fmt.Sprint(v))
	case bool:
		return ast.NewBool(v)
	case Number:
		if strings.ContainsAny(string(v), ".eE") {
			return ast.NewLit(token.FLOAT, string(v))
		}
		return ast.NewLit(token.INT, string(v))
	}
	panic(fmt.Sprintf("draft: value of type %T", v))
}

// str is a string literal; a query spanning lines is written as a CUE
// multi-line string, the way its author laid it out.
func str(s string) ast.Expr {
	if strings.Contains(s, "\n") && !strings.Contains(s, `"""`) && !strings.Contains(s, `\`) {
		s = strings.TrimRight(s, "\n")
		lines := strings.Split(s, "\n")
		var b strings.Builder
		b.WriteString("\"\"\"\n")
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteString("\"\"\"")
		return &ast.BasicLit{Kind: token.STRING, Value: b.String()}
	}
	return ast.NewString(s)
}

func label(name string) ast.Label {
	if ast.IsValidIdent(name) && !strings.HasPrefix(name, "#") && !strings.HasPrefix(name, "_") {
		return ast.NewIdent(name)
	}
	return ast.NewString(name)
}

// field is name: value with a doc comment of the note lines.
func field(name string, v ast.Expr, note ...string) *ast.Field {
	f := &ast.Field{Label: label(name), Value: v}
	comment(f, note...)
	return f
}

// path is a: b: c: value (CUE's shorthand for nested single fields), with
// the note above it.
func path(names []string, v ast.Expr, note ...string) *ast.Field {
	for i := len(names) - 1; i > 0; i-- {
		s := ast.NewStruct(field(names[i], v))
		s.Lbrace, s.Rbrace = token.NoPos, token.NoPos
		v = s
	}
	return field(names[0], v, note...)
}

func comment(n ast.Node, lines ...string) {
	if len(lines) == 0 {
		return
	}
	cg := &ast.CommentGroup{Doc: true}
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			cg.List = append(cg.List, &ast.Comment{Text: strings.TrimRight("// "+part, " ")})
		}
	}
	ast.AddComment(n, cg)
}

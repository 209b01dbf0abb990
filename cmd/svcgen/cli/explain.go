package cli

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/diag"
)

func (e *env) explainCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "explain SERVICE[.DEPENDENCY] [DIR]",
		Short: "Show a service's or a dependency's resolved values and where each came from",
		Long: `explain compiles the catalog in DIR (default ".") and prints every resolved
value of a service, or of one of its dependencies, with where it came from:
the catalog position you wrote it at, or the default that supplied it (a
tier, a dependency kind, a resilience profile), or how svcgen derived it.
It works on catalogs that fail vet's rules too (only a catalog that does not
compile stops it): each finding is shown under the value it concerns.`,
		Example: `  # Where does payment's objective come from?
  svcgen explain payment examples/shop

  # The policy of one edge: timeouts, retries, breaker, bulkhead
  svcgen explain payment.pg-gateway examples/shop

  # The same as JSON, for scripts
  svcgen explain payment.pg-gateway examples/shop --format json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format: unknown format %q (want text or json)", format)
			}
			dir := "."
			if len(args) == 2 {
				dir = args[1]
			}
			c, diags, err := e.compileWith(compiler.Config{Dir: dir, KeepModel: true}, e.stderr)
			if err != nil {
				return err
			}
			ex, err := explainTarget(c, args[0])
			if err != nil {
				return err
			}
			ex.attach(diags)
			if format == "json" {
				return e.explainJSON(ex)
			}
			e.explainText(ex)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// explanation is a node's resolved values in order.
type explanation struct {
	Target string
	Pos    catalog.Pos
	Values []explained
	// Dependencies lists a service's dependencies, to explain one by one.
	Dependencies []string
	// Findings are the rules' findings about the target that concern no
	// one value of it.
	Findings []diag.Diagnostic
}

type explained struct {
	Path   string
	Value  string
	Source catalog.Source
	// Findings are the rules' findings about this value.
	Findings []diag.Diagnostic
}

// ruleValue is the value of an edge a rule's finding concerns when the
// finding's position is not that value's own (a derived value has none).
var ruleValue = map[string]string{
	"timeout-hierarchy":         "timeout.perTry",
	"retry-budget":              "timeout.total",
	"retry-amplification":       "retry.maxRetries",
	"double-retry-owner":        "retry.owner",
	"mesh-retry-non-idempotent": "retry.owner",
	"mesh-retry-needs-http":     "retry.owner",
	"bulkhead-too-small":        "bulkhead.maxConcurrent",
	"bulkhead-too-large":        "bulkhead.maxConcurrent",
}

// attach puts each unsuppressed finding about the target beside the value
// it concerns: the value written at the finding's position, else the value
// its rule is about, else the target itself.
func (ex *explanation) attach(diags diag.List) {
	for _, d := range diags {
		if d.Suppressed != "" || !ex.concerns(d) {
			continue
		}
		at := -1
		for i, v := range ex.Values {
			if v.Source.Default == "" && v.Source.Pos.IsValid() && v.Source.Pos == d.Pos {
				at = i
				break
			}
		}
		if at < 0 && d.Subject == ex.Target {
			for i, v := range ex.Values {
				if v.Path == ruleValue[d.Rule] {
					at = i
					break
				}
			}
		}
		if at < 0 {
			ex.Findings = append(ex.Findings, d)
			continue
		}
		ex.Values[at].Findings = append(ex.Values[at].Findings, d)
	}
}

// concerns reports whether a finding is about the explained service or edge:
// its subject, or an edge of the path it reports.
func (ex *explanation) concerns(d diag.Diagnostic) bool {
	if d.Subject == ex.Target {
		return true
	}
	for _, e := range d.Edges {
		if e == ex.Target {
			return true
		}
	}
	return false
}

func explainTarget(c *catalog.Catalog, target string) (*explanation, error) {
	svcName, depName, isEdge := strings.Cut(target, ".")
	s := c.Service(svcName)
	if s == nil {
		return nil, usageErrorf("no service %q in the catalog", svcName)
	}
	if isEdge {
		d := s.Dependency(depName)
		if d == nil {
			var names []string
			for _, d := range s.Dependencies {
				names = append(names, d.Name)
			}
			return nil, usageErrorf("service %s has no dependency %q (it has: %s)", svcName, depName, strings.Join(names, ", "))
		}
		ex := &explanation{Target: target, Pos: d.Pos}
		flatten(reflect.ValueOf(d).Elem(), "", d.Sources, &ex.Values)
		return ex, nil
	}
	ex := &explanation{Target: target, Pos: s.Pos}
	flatten(reflect.ValueOf(s).Elem(), "", s.Sources, &ex.Values)
	for _, o := range s.SLOs {
		var vals []explained
		flatten(reflect.ValueOf(o).Elem(), "", o.Sources, &vals)
		for _, v := range vals {
			v.Path = "slos." + o.Name + "." + v.Path
			ex.Values = append(ex.Values, v)
		}
	}
	for _, d := range s.Dependencies {
		ex.Dependencies = append(ex.Dependencies, s.Name+"."+d.Name)
	}
	return ex, nil
}

var durationType = reflect.TypeFor[time.Duration]()

// flatten lists the leaf values of a model struct by their field paths (the
// JSON names the catalog's Sources are keyed by). Lists of nested nodes
// (SLOs, dependencies, suppressions) are left to the caller.
func flatten(v reflect.Value, prefix string, src catalog.Sources, out *[]explained) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fv := v.Field(i)
		path := prefix + name
		if path == "name" || strings.Contains(opts, "omit") && fv.IsZero() {
			continue // the name heads the output
		}
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		if s, ok := fv.Interface().(fmt.Stringer); ok && fv.Kind() == reflect.Struct {
			*out = append(*out, explained{Path: path, Value: s.String(), Source: src[path]})
			continue
		}
		switch {
		case fv.Type() == durationType:
			*out = append(*out, explained{Path: path, Value: catalog.FormatDuration(time.Duration(fv.Int())), Source: src[path]})
		case fv.Kind() == reflect.Struct:
			flatten(fv, path+".", src, out)
		case fv.Kind() == reflect.Slice:
			if fv.Len() == 0 || fv.Type().Elem().Kind() == reflect.Pointer || fv.Type().Elem().Kind() == reflect.Struct {
				continue
			}
			var items []string
			for j := range fv.Len() {
				items = append(items, scalar(fv.Index(j)))
			}
			*out = append(*out, explained{Path: path, Value: "[" + strings.Join(items, ", ") + "]", Source: src[path]})
		default:
			*out = append(*out, explained{Path: path, Value: scalar(fv), Source: src[path]})
		}
	}
}

func scalar(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float64, reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

func (e *env) source(s catalog.Source) string {
	switch {
	case s.Default != "" && s.Pos.IsValid():
		return s.Default + " at " + s.Pos.Rel(e.cwd).String()
	case s.Default != "":
		return s.Default
	case s.Pos.IsValid():
		return s.Pos.Rel(e.cwd).String()
	}
	return ""
}

func (e *env) explainText(ex *explanation) {
	fmt.Fprintf(e.stdout, "%s  (%s)\n", ex.Target, ex.Pos.Rel(e.cwd))
	for _, d := range ex.Findings {
		fmt.Fprintf(e.stdout, "  ! %s\n", e.finding(d))
	}
	// One table, its columns as wide as their widest cell: a finding's
	// line between two values must not realign the rest.
	var wPath, wValue int
	for _, v := range ex.Values {
		wPath = max(wPath, utf8.RuneCountInString(v.Path))
		if e.source(v.Source) != "" {
			wValue = max(wValue, utf8.RuneCountInString(v.Value))
		}
	}
	pad := func(s string, w int) string { return s + strings.Repeat(" ", w-utf8.RuneCountInString(s)) }
	for _, v := range ex.Values {
		if src := e.source(v.Source); src != "" {
			fmt.Fprintf(e.stdout, "  %s  = %s  (%s)\n", pad(v.Path, wPath), pad(v.Value, wValue), src)
		} else {
			fmt.Fprintf(e.stdout, "  %s  = %s\n", pad(v.Path, wPath), v.Value)
		}
		for _, d := range v.Findings {
			fmt.Fprintf(e.stdout, "      ! %s\n", e.finding(d))
		}
	}
	if len(ex.Dependencies) > 0 {
		fmt.Fprintf(e.stdout, "dependencies (svcgen explain %s.<name>): %s\n", ex.Target, strings.Join(ex.Dependencies, ", "))
	}
}

// finding renders a finding on one line: "error: message [rule]".
func (e *env) finding(d diag.Diagnostic) string {
	return fmt.Sprintf("%s: %s [%s]", d.Severity, d.Message, d.Rule)
}

func (e *env) explainJSON(ex *explanation) error {
	type finding struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		File     string `json:"file,omitempty"`
		Line     int    `json:"line,omitempty"`
		Column   int    `json:"column,omitempty"`
	}
	findings := func(ds []diag.Diagnostic) []finding {
		var out []finding
		for _, d := range ds {
			p := d.Pos.Rel(e.cwd)
			out = append(out, finding{Rule: d.Rule, Severity: d.Severity.String(), Message: d.Message, File: p.Filename, Line: p.Line, Column: p.Column})
		}
		return out
	}
	type value struct {
		Path     string    `json:"path"`
		Value    string    `json:"value"`
		Source   string    `json:"source,omitempty"`
		File     string    `json:"file,omitempty"`
		Line     int       `json:"line,omitempty"`
		Column   int       `json:"column,omitempty"`
		Findings []finding `json:"findings,omitempty"`
	}
	out := struct {
		Target       string    `json:"target"`
		File         string    `json:"file,omitempty"`
		Line         int       `json:"line,omitempty"`
		Findings     []finding `json:"findings,omitempty"`
		Values       []value   `json:"values"`
		Dependencies []string  `json:"dependencies,omitempty"`
	}{Target: ex.Target, Dependencies: ex.Dependencies, Findings: findings(ex.Findings)}
	p := ex.Pos.Rel(e.cwd)
	out.File, out.Line = p.Filename, p.Line
	for _, v := range ex.Values {
		pos := v.Source.Pos.Rel(e.cwd)
		out.Values = append(out.Values, value{
			Path: v.Path, Value: v.Value, Source: v.Source.Default,
			File: pos.Filename, Line: pos.Line, Column: pos.Column,
			Findings: findings(v.Findings),
		})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

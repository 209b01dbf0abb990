package compiler

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
)

// Rule IDs of the diagnostics the compiler itself reports.
const (
	// RuleLoad: files CUE could not read or would skip.
	RuleLoad = "load"
	// RuleSchema: values that do not fit the catalog schema.
	RuleSchema = "schema"
)

// translate turns CUE's errors into diagnostics at the user's positions that
// say what is allowed. CUE reports one mistake as several errors (a wrong
// enum value is "N errors in empty disjunction" plus one conflict per
// alternative), some only at schema positions; they are grouped by path and
// rewritten here.
func (l *loaded) translate(err error, v cue.Value) diag.List {
	type group struct {
		path string
		errs []cueerrors.Error
	}
	var groups []*group
	byPath := map[string]*group{}
	var buckets []cueerrors.Error
	for _, e := range cueerrors.Errors(err) {
		if isBuckets(e.Path()) {
			buckets = append(buckets, e)
			continue
		}
		p := strings.Join(e.Path(), ".")
		g := byPath[p]
		if g == nil || p == "" {
			g = &group{path: p}
			groups = append(groups, g)
			if p != "" {
				byPath[p] = g
			}
		}
		g.errs = append(g.errs, e)
	}
	var diags diag.List
	for _, g := range groups {
		diags = append(diags, l.translateGroup(g.errs, v)...)
	}
	if len(buckets) > 0 {
		diags = append(diags, l.bucketsMessages(buckets)...)
	}
	return diags
}

var bucketsPath = []string{"settings", "metrics", "buckets"}

func isBuckets(path []string) bool {
	if len(path) < len(bucketsPath) {
		return false
	}
	for i, p := range bucketsPath {
		if path[i] != p {
			return false
		}
	}
	return true
}

// bucketsMessages rewrites the errors of settings.metrics.buckets. The
// schema offers the default bounds or a list of numbers above 0, so CUE
// reports a wrong bound against both alternatives: an empty disjunction
// with no value, a conflict with each default bound, a type mismatch named
// after the list index. What the user needs is the bound that is wrong, at
// its position, and what a bound is.
func (l *loaded) bucketsMessages(errs []cueerrors.Error) diag.List {
	const what = "bucket bounds are seconds above 0 in ascending order, e.g. [0.05, 0.1, 0.25, 0.5, 1]"
	var diags diag.List
	seen := map[catalog.Pos]bool{}
	for _, e := range errs {
		format, args := e.Msg()
		var msg string
		switch {
		case strings.HasPrefix(format, "invalid value") && len(args) >= 1 && len(e.Path()) > len(bucketsPath):
			msg = fmt.Sprintf("buckets: %v is not above 0: %s", args[0], what)
		case strings.Contains(format, "mismatched types") && len(args) == 4:
			got, kind, want := fmt.Sprint(args[0]), fmt.Sprint(args[2]), fmt.Sprint(args[3])
			if _, isType := kindNames[got]; isType {
				got, kind, want = fmt.Sprint(args[1]), fmt.Sprint(args[3]), fmt.Sprint(args[2])
			}
			switch {
			case kind == "int" || kind == "float" || kind == "number":
				continue // a number against a default bound's type: not the mistake
			case want == "list":
				msg = fmt.Sprintf("buckets: %s is %s, not a list: %s", got, kindName(kind), what)
			default:
				msg = fmt.Sprintf("buckets: %s is %s, not a number: %s", got, kindName(kind), what)
			}
		default:
			continue // the disjunction itself, a list length, a default bound
		}
		pos, _ := l.place([]cueerrors.Error{e}, e.Path(), cue.Value{})
		if seen[pos] {
			continue
		}
		seen[pos] = true
		diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: RuleSchema, Message: msg})
	}
	if len(diags) == 0 {
		pos, _ := l.place(errs, bucketsPath, cue.Value{})
		diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: RuleSchema,
			Message: "buckets: must be a list of numbers: " + what})
	}
	return diags
}

func (l *loaded) translateGroup(errs []cueerrors.Error, v cue.Value) diag.List {
	path := errs[0].Path()
	field := ""
	if len(path) > 0 {
		field = path[len(path)-1]
	}
	var disjunction bool
	for _, e := range errs {
		if f, _ := e.Msg(); strings.Contains(f, "errors in empty disjunction") {
			disjunction = true
		}
	}
	pos, related := l.place(errs, path, v)
	d := diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: RuleSchema, Related: related}

	first := errs[0]
	format, args := first.Msg()
	switch {
	case format == "import failed":
		d.Message = l.importMessage(first, pos)
	case disjunction:
		d.Message = l.disjunctionMessage(path, field, errs, v)
	case format == "field not allowed":
		d.Message = l.notAllowedMessage(path, field)
	case format == "field is required but not present" || strings.HasPrefix(format, "incomplete value"):
		d.Message = l.requiredMessage(path, field)
	case strings.HasPrefix(format, "conflicting values") && strings.Contains(format, "mismatched types") && len(args) == 4:
		d.Message = typeMessage(field, args)
	case strings.HasPrefix(format, "conflicting values"):
		d.Message = field + ": " + fmt.Sprintf(format, args...) + ": a field has one value; keep one of them"
	case strings.HasPrefix(format, "invalid value") && len(args) >= 2:
		d.Message = boundMessage(field, args[0], fmt.Sprint(args[1]))
	default:
		msg := fmt.Sprintf(format, args...)
		if field != "" {
			msg = field + ": " + msg
		}
		d.Message = msg
	}
	if len(path) > 0 && strings.HasPrefix(path[0], "#") {
		d.Message = "schema: " + d.Message // an error inside the schema itself
	}
	return diag.List{d}
}

// place finds the primary user position of an error group, and the other
// user positions involved (the other file of a conflict). An error reported
// only at schema positions is placed at the nearest enclosing value the user
// wrote, which is where the fix goes.
func (l *loaded) place(errs []cueerrors.Error, path []string, v cue.Value) (catalog.Pos, []diag.Related) {
	var all []catalog.Pos
	seen := map[catalog.Pos]bool{}
	for _, e := range errs {
		for _, p := range l.errorPositions(e) {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
	}
	if len(all) > 0 {
		sort.SliceStable(all, func(i, j int) bool { return all[i].Less(all[j]) })
		var related []diag.Related
		for _, p := range all[1:] {
			related = append(related, diag.Related{Pos: p, Message: "also set here"})
		}
		return all[0], related
	}
	for n := len(path); n > 0; n-- {
		if p, ok := l.idx[joinPath(path[:n]...)]; ok {
			return p, nil
		}
	}
	if len(l.files) > 0 {
		return catalog.Pos{Filename: l.files[0], Line: 1, Column: 1}, nil
	}
	return catalog.Pos{}, nil
}

func selectorPath(path []string) cue.Path {
	sels := make([]cue.Selector, len(path))
	for i, p := range path {
		if strings.HasPrefix(p, "#") {
			sels[i] = cue.Def(p)
		} else {
			sels[i] = cue.Str(p)
		}
	}
	return cue.MakePath(sels...)
}

// schemaAt returns the schema's constraint for a path of the user's value,
// following pattern constraints ([string]: #Service) for map keys.
func (l *loaded) schemaAt(path []string) cue.Value {
	cur := l.def
	for _, p := range path {
		next := cur.LookupPath(cue.MakePath(cue.Str(p).Optional()))
		if !next.Exists() {
			next = cur.LookupPath(cue.MakePath(cue.AnyString))
		}
		if !next.Exists() {
			return next
		}
		cur = next
	}
	return cur
}

// disjunctionMessage says which value was given and which are allowed:
// `tier: "gold" is not one of critical, high, medium, low`.
func (l *loaded) disjunctionMessage(path []string, field string, errs []cueerrors.Error, v cue.Value) string {
	got := ""
	for _, e := range errs {
		if f, args := e.Msg(); strings.HasPrefix(f, "conflicting values") && len(args) == 2 {
			got = fmt.Sprint(args[1])
			break
		}
	}
	if got == "" && v.Exists() {
		if x := v.LookupPath(selectorPath(path)); x.Exists() && x.Err() == nil {
			got = sourceOf(x)
		}
	}
	if got == "" {
		got = l.userSource(errs)
	}
	c := l.schemaAt(path)
	allowed := alternatives(c)
	if len(allowed) == 0 && c.Exists() {
		allowed = []string{describe(c)}
	}
	if got == "" {
		got = "this value"
	}
	if len(allowed) == 0 {
		return fmt.Sprintf("%s: %s is not allowed here", field, got)
	}
	if ex, ok := fieldExamples[field]; ok && len(allowed) == 1 {
		return fmt.Sprintf("%s: %s is not %s: write %s", field, got, allowed[0], ex)
	}
	sep := ", "
	if len(allowed) < 3 || strings.Contains(strings.Join(allowed, ""), " ") {
		sep = " or "
		if len(allowed) > 2 {
			sep = "; or "
		}
		if got == "" {
			return fmt.Sprintf("%s: must be %s", field, strings.Join(allowed, sep))
		}
		return fmt.Sprintf("%s: %s is not %s", field, got, strings.Join(allowed, sep))
	}
	if got == "" {
		return fmt.Sprintf("%s: must be one of %s", field, strings.Join(allowed, sep))
	}
	return fmt.Sprintf("%s: %s is not one of %s", field, got, strings.Join(allowed, sep))
}

// alternatives lists a disjunction's allowed values in schema order: string
// literals unquoted, other constraints described.
//
// A default alternative that only names one value of another alternative
// (cluster: *"production" | #Name) is left out: the other one says what is
// allowed.
func alternatives(c cue.Value) []string {
	op, args := c.Expr()
	if op != cue.OrOp {
		op, args = c.Eval().Expr() // Eval resolves a reference such as #Tier
	}
	if op != cue.OrOp {
		return nil
	}
	def, hasDefault := c.Default()
	defText, _ := def.String()
	open := false
	for _, a := range args {
		if !a.IsConcrete() {
			open = true
		}
	}
	var out []string
	for _, a := range args {
		if s, err := a.String(); err == nil && a.IsConcrete() {
			if hasDefault && open && s == defText {
				continue
			}
			out = append(out, s)
			continue
		}
		out = append(out, describe(a))
	}
	return out
}

// describe renders a constraint for a reader: "an integer >= 0", "a
// percentage such as \"25%\"".
func describe(c cue.Value) string {
	src := sourceOf(c)
	for _, h := range regexHints {
		if strings.Contains(src, h.re) {
			return h.hint
		}
	}
	switch c.IncompleteKind() {
	case cue.IntKind:
		return withBounds("an integer", src, strings.Contains(src, "uint"))
	case cue.NumberKind, cue.FloatKind:
		return withBounds("a number", src, false)
	case cue.StringKind:
		if strings.Contains(src, `!=""`) {
			return "a non-empty string"
		}
		return "a string"
	case cue.BoolKind:
		return "true or false"
	}
	return src
}

var boundRe = regexp.MustCompile(`(>=|<=|>|<)\s*(-?[0-9][0-9.eE+]*)`)

// withBounds adds a numeric constraint's bounds to what: "an integer from 1
// to 2147483647", "a number >= 1", "a number >= 0 and < 1". A bound left out
// here would make the message wrong ("4294967296 is not an integer").
func withBounds(what, src string, unsigned bool) string {
	var lo, hi string
	var parts []string
	for _, m := range boundRe.FindAllStringSubmatch(src, -1) {
		switch m[1] {
		case ">=":
			lo = m[2]
		case "<=":
			hi = m[2]
		}
		parts = append(parts, m[1]+" "+m[2])
	}
	if unsigned && lo == "" && !strings.Contains(src, ">") {
		lo = "0"
		parts = append([]string{">= 0"}, parts...)
	}
	switch {
	case len(parts) == 0:
		return what
	case len(parts) == 2 && lo != "" && hi != "":
		return what + " from " + lo + " to " + hi
	}
	return what + " " + strings.Join(parts, " and ")
}

func sourceOf(v cue.Value) string {
	if v.IsConcrete() {
		switch v.Kind() {
		case cue.StringKind:
			s, _ := v.String()
			return strconv.Quote(s)
		case cue.StructKind:
			return "a struct"
		case cue.ListKind:
			return "a list"
		}
	}
	return fmt.Sprint(v)
}

// notAllowedMessage names the unknown field, suggests the closest allowed
// one and lists them all. Secrets written inline get their own message.
func (l *loaded) notAllowedMessage(path []string, field string) string {
	parent := path[:len(path)-1]
	if len(parent) >= 3 && parent[0] == "teams" && parent[2] == "receivers" {
		if hint, ok := inlineSecrets[strings.ToLower(field)]; ok {
			return fmt.Sprintf("%s: secrets are never written inline in the catalog: put the value in a file and set %s to its path", field, hint)
		}
	}
	allowed := fieldsOf(l.schemaAt(parent))
	where := strings.Join(parent, ".")
	if where == "" {
		where = "the catalog"
	}
	msg := fmt.Sprintf("field %q is not allowed in %s", field, where)
	msg += suggest.DidYouMean(field, allowed)
	if len(allowed) > 0 {
		msg += "; allowed: " + strings.Join(allowed, ", ")
	}
	return msg
}

// inlineSecrets maps the names people give inline secrets to the *File field
// to use instead.
var inlineSecrets = map[string]string{
	"apiurl":     "apiURLFile",
	"api_url":    "apiURLFile",
	"url":        "urlFile",
	"routingkey": "routingKeyFile",
	"servicekey": "routingKeyFile",
	"apikey":     "apiKeyFile",
	"api_key":    "apiKeyFile",
	"token":      "a *File field",
	"password":   "a *File field",
	"secret":     "a *File field",
}

func fieldsOf(c cue.Value) []string {
	if !c.Exists() {
		return nil
	}
	var out []string
	it, err := c.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	for it.Next() {
		out = append(out, it.Selector().Unquoted())
	}
	return out
}

// requiredMessage names the missing field and where it belongs.
func (l *loaded) requiredMessage(path []string, field string) string {
	where := strings.Join(path[:max(len(path)-1, 0)], ".")
	msg := fmt.Sprintf("missing required field %q", field)
	if where != "" {
		msg += " in " + where
	}
	if h, ok := fieldHints[field]; ok {
		msg += ": " + h
	}
	return msg
}

// fieldHints explain what a required field holds.
var fieldHints = map[string]string{
	"team":            "the name of the team that owns the service",
	"tier":            "one of critical, high, medium, low",
	"image":           "a container image with a tag, e.g. registry.example.com/shop/payment:1.4.2",
	"defaultReceiver": "the team whose receiver gets alerts no team route matches, e.g. settings: alerting: defaultReceiver: team: \"platform\"",
	"active":          "the colour that takes traffic, blue or green",
}

// fieldExamples show what to write in a field whose schema alone says
// little.
var fieldExamples = map[string]string{
	"errorStatus": `the status codes that count as errors, a PromQL regular expression such as "5.." or "5..|429"`,
}

// regexHints describe the schema's patterns by a fragment of their source,
// most specific first.
var regexHints = []struct{ re, hint string }{
	{`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"`, "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"},
	{`(ms|s|m|h|d|w))+$`, `a duration such as "100ms", "1.5s", "1h30m" or "30d"`},
	{`^[0-9]+%$`, `a percentage such as "25%"`},
	{`^https?://`, "an http(s) URL"},
	{`=~"^/"`, "an absolute path"},
	{`^#[a-z0-9]`, `a Slack channel such as "#payments-alerts"`},
	{`[^@\\s]+@`, "an email address"},
	{`^[a-zA-Z_:][a-zA-Z0-9_:]*$`, "a Prometheus metric name"},
	{`^[a-zA-Z_][a-zA-Z0-9_]*$`, "a Prometheus label name"},
	{`(\\.[a-z0-9]`, "a DNS host name"},
}

// runesPattern reads CUE's strings.MinRunes(n) and strings.MaxRunes(n).
var runesPattern = regexp.MustCompile(`^strings\.(Min|Max)Runes\((\d+)\)$`)

var enumPattern = regexp.MustCompile(`^=~"\^\(([a-zA-Z0-9|-]+)\)\$"$`)

// typeMessage rewrites "conflicting values "8080" and int (mismatched types
// string and int)": a value of the wrong type is not a conflict between two
// values to choose from, but a value to rewrite.
func typeMessage(field string, args []any) string {
	got, want, gotKind, wantKind := fmt.Sprint(args[0]), fmt.Sprint(args[1]), fmt.Sprint(args[2]), fmt.Sprint(args[3])
	if _, isType := kindNames[got]; isType {
		got, want, gotKind, wantKind = want, got, wantKind, gotKind
	}
	if m := enumPattern.FindStringSubmatch(want); m != nil {
		return fmt.Sprintf("%s: %s is not one of %s", field, got, strings.ReplaceAll(m[1], "|", ", "))
	}
	return fmt.Sprintf("%s: %s is %s, but %s takes %s", field, got, kindName(gotKind), field, kindName(wantKind))
}

// kindNames reads CUE's kinds.
var kindNames = map[string]string{
	"int":    "an integer",
	"float":  "a number",
	"number": "a number",
	"string": "a string",
	"bytes":  "bytes",
	"bool":   "a boolean",
	"null":   "null",
	"struct": "a struct",
	"list":   "a list",
}

func kindName(k string) string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return k
}

// boundMessage rewrites "invalid value X (out of bound B)".
func boundMessage(field string, got any, bound string) string {
	val := fmt.Sprint(got)
	if s, ok := got.(string); ok {
		val = strconv.Quote(s)
	}
	// Enumerations are written as anchored alternations (=~"^(a|b)$"):
	// a regular expression is much cheaper for CUE to evaluate than a
	// disjunction of strings, and reads back as the list of allowed values.
	if m := enumPattern.FindStringSubmatch(bound); m != nil {
		return fmt.Sprintf("%s: %s is not one of %s", field, val, strings.ReplaceAll(m[1], "|", ", "))
	}
	if strings.Contains(bound, "MaxRunes(63)") {
		return fmt.Sprintf("%s: %s is longer than 63 characters (a DNS-1123 label)", field, val)
	}
	if strings.Contains(bound, "MinRunes(2)") && strings.HasSuffix(field, "File") {
		// #SecretFile: "/" is absolute but names no file.
		return fmt.Sprintf("%s: %s is not a file: write the absolute path of the file that holds the secret, e.g. \"/etc/alertmanager/secrets/payments-pd\"", field, val)
	}
	if m := runesPattern.FindStringSubmatch(bound); m != nil {
		return fmt.Sprintf("%s: %s is %s than %s characters: write %s %s", field, val, map[string]string{"Min": "shorter", "Max": "longer"}[m[1]], m[2], map[string]string{"Min": "at least", "Max": "at most"}[m[1]], m[2])
	}
	for _, h := range regexHints {
		if strings.Contains(bound, h.re) {
			return fmt.Sprintf("%s: %s is not %s", field, val, h.hint)
		}
	}
	if field == "objective" {
		return fmt.Sprintf("objective: %s is out of range: an objective is a percentage above 0 and below 100 (100 leaves no error budget)", val)
	}
	b := strings.NewReplacer(">=", "at least ", "<=", "at most ", ">", "above ", "<", "below ", "!=", "not ").Replace(bound)
	return fmt.Sprintf("%s: %s is out of range: must be %s", field, val, b)
}

// importMessage names the import that failed and CUE's reason, which CUE
// keeps in the wrapped error ("import failed" alone says neither).
func (l *loaded) importMessage(e cueerrors.Error, pos catalog.Pos) string {
	reason := ""
	for u := errors.Unwrap(e); u != nil; u = errors.Unwrap(u) {
		if ce, ok := u.(cueerrors.Error); ok {
			f, args := ce.Msg()
			reason = fmt.Sprintf(f, args...)
			break
		}
		reason = u.Error()
	}
	what := "an import"
	if lit := l.literalAt(pos); strings.HasPrefix(lit, `"`) {
		what = "import " + lit
	}
	if reason == "" {
		reason = "CUE gave no reason"
	}
	return fmt.Sprintf("%s failed: %s: a catalog imports only CUE's standard library and packages of its own module (cue.mod/module.cue); fix the path or remove the import", what, reason)
}

// userSource reads the text the user wrote at the error's first user
// position, for errors whose value CUE no longer shows (a failed
// disjunction evaluates to bottom).
func (l *loaded) userSource(errs []cueerrors.Error) string {
	for _, e := range errs {
		for _, p := range l.errorPositions(e) {
			if text := l.literalAt(p); text != "" {
				return text
			}
		}
	}
	return ""
}

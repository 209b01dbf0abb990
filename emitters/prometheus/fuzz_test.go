package prometheus

import (
	"testing"
	"unicode/utf8"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/emitters/promql"
)

// FuzzSelectorRoundTrip: any label value, put into a selector by the
// emitter's builders and printed, parses back to the same matchers. Service
// names are DNS labels by the time they get here, but custom conventions
// (error-status regexes, label names) and future callers need not be.
func FuzzSelectorRoundTrip(f *testing.F) {
	for _, s := range []string{"payment", "", `a"b`, `back\slash`, "5..", "new\nline", "{{ $labels.x }}", "ünï", "`tick`", "'q'", "a\x00b", "(5..|429)"} {
		f.Add(s)
	}
	p := parser.NewParser(parser.Options{})
	f.Fuzz(func(t *testing.T, value string) {
		if !utf8.ValidString(value) {
			return // PromQL strings are UTF-8; label values from CUE always are
		}
		ms := []*labels.Matcher{promql.Eq("service", value)}
		// A regular expression Prometheus refuses is refused at compile
		// time (the error-status-regex rule); only valid ones get here.
		if _, err := labels.NewMatcher(labels.MatchRegexp, "status_code", value); err == nil {
			ms = append(ms, promql.Re("status_code", value))
		}
		text := promql.Selector("http_requests_total", ms...).String()
		expr, err := p.ParseExpr(text)
		if err != nil {
			t.Fatalf("%q printed as %s, which does not parse: %v", value, text, err)
		}
		vs, ok := expr.(*parser.VectorSelector)
		if !ok {
			t.Fatalf("%s parsed as %T", text, expr)
		}
		got := map[string]string{}
		for _, m := range vs.LabelMatchers {
			got[m.Name+m.Type.String()] = m.Value
		}
		for _, m := range ms {
			if v, ok := got[m.Name+m.Type.String()]; !ok || v != value {
				t.Fatalf("%q printed as %s reads back as %q", value, text, v)
			}
		}
	})
}

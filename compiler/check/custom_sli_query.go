package check

import (
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// Custom SLI queries are PromQL with a {{.window}} placeholder for the range.
// svcgen writes them into recording rules for every burn window; a query
// that does not parse would make Prometheus refuse the whole rules file, and
// one without the placeholder would measure the same range for every window.
var customSLIQuery = &Rule{
	ID:       "custom-sli-query",
	Doc:      "a custom SLI query must contain {{.window}} and parse as PromQL returning an instant vector",
	Severity: diag.Error,
	Run: func(p *Pass) {
		pr := parser.NewParser(parser.Options{})
		for _, s := range p.Catalog.Services {
			for _, o := range s.SLOs {
				if o.SLI == nil {
					continue
				}
				for _, q := range []struct {
					field, text string
					pos         catalog.Pos
				}{
					{"errorQuery", o.SLI.ErrorQuery, o.SLI.ErrorQueryPos},
					{"totalQuery", o.SLI.TotalQuery, o.SLI.TotalQueryPos},
				} {
					if msg := checkSLIQuery(pr, q.text); msg != "" {
						p.Report(q.pos, "", "SLO %s: sli.%s: %s", o.Name, q.field, msg)
					}
				}
			}
		}
	},
}

// sliSampleWindow is substituted for the placeholder when checking a query;
// every window svcgen writes parses the same way.
const sliSampleWindow = "5m"

func checkSLIQuery(pr parser.Parser, q string) string {
	if !strings.Contains(q, catalog.WindowPlaceholder) {
		return "the query has no " + catalog.WindowPlaceholder + " placeholder: write the range of its rate() or increase() as [" +
			catalog.WindowPlaceholder + "], so that svcgen can record it over 5m, 30m, 1h, 2h, 6h, 1d and 3d"
	}
	expr, err := pr.ParseExpr(strings.ReplaceAll(q, catalog.WindowPlaceholder, sliSampleWindow))
	if err != nil {
		return "not valid PromQL with " + catalog.WindowPlaceholder + " = " + sliSampleWindow + ": " + err.Error()
	}
	if t := expr.Type(); t != parser.ValueTypeVector {
		name := string(t)
		if t == parser.ValueTypeMatrix {
			name = "range vector"
		}
		return "the query returns a " + name + ", not an instant vector: write it as events per second, e.g. sum(rate(metric{...}[" +
			catalog.WindowPlaceholder + "]))"
	}
	return ""
}

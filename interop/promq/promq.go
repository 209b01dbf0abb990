// Package promq checks an imported SLI query before it is written into a
// catalog, so that a query svcgen cannot record is refused at its position
// in the spec rather than later in the written catalog.
//
// Input: a query with {{.window}}. Output: "" or what it is instead of an
// instant vector query in PromQL ("not valid PromQL ...", "a range vector").
package promq

import (
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/catalog"
)

// Check parses q with {{.window}} set to 5m, as the catalog's rules will.
func Check(q string) string {
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(q, catalog.WindowPlaceholder, "5m"))
	if err != nil {
		return "not valid PromQL with {{.window}} = 5m: " + err.Error()
	}
	switch expr.Type() {
	case parser.ValueTypeVector, parser.ValueTypeScalar:
		return ""
	case parser.ValueTypeMatrix:
		return "a range vector, not an instant vector: wrap it in rate() or increase()"
	}
	return "a " + string(expr.Type()) + ", not an instant vector"
}

package prometheus

import (
	"math/big"
	"strconv"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/emitters/promql"
)

// Every expression is built as a PromQL syntax tree (package
// emitters/promql) and printed by the parser's own printer: label values are
// quoted by it, brackets balance, and the builder adds the parentheses
// operator precedence needs.

// ratNum is the number closest to an exact rational: 14.4 × 0.001 is written
// 0.0144, never the float product 0.014400000000000001.
func ratNum(r *big.Rat) *parser.NumberLiteral {
	f, _ := r.Float64()
	return promql.Num(f)
}

// decimalNum parses an exact decimal ("0.0005") into the float it names.
func decimalNum(s string) *parser.NumberLiteral {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic("prometheus: not a decimal: " + s) // only called with catalog.Percent renderings
	}
	return promql.Num(f)
}

// render prints an expression on one line. (parser.Prettify's layout
// indents the first line of a binary expression, which YAML can only carry
// with an explicit indentation indicator, and costs a String() per node.)
func render(e parser.Expr) string {
	return e.String()
}

package prometheus

import (
	"math/big"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Every expression is built as a PromQL syntax tree and printed by the
// parser's own printer: label values are quoted by it, brackets balance, and
// the helpers below add the parentheses operator precedence needs.

// Functions used by the rules, looked up once.
var (
	fnRate              = parser.Functions["rate"]
	fnSumOverTime       = parser.Functions["sum_over_time"]
	fnMaxOverTime       = parser.Functions["max_over_time"]
	fnAvgOverTime       = parser.Functions["avg_over_time"]
	fnVector            = parser.Functions["vector"]
	fnAbsent            = parser.Functions["absent"]
	fnHistogramQuantile = parser.Functions["histogram_quantile"]
)

// eq and re build label matchers for printing only: the parser's printer
// quotes their values. (A regular expression is compiled by Prometheus when
// it loads the rule; the emitter never needs to match with it.)
func eq(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchEqual, Name: name, Value: value}
}

func re(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchRegexp, Name: name, Value: value}
}

func ne(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchNotEqual, Name: name, Value: value}
}

// selector is metric{matchers...}.
func selector(metric string, ms ...*labels.Matcher) *parser.VectorSelector {
	return &parser.VectorSelector{Name: metric, LabelMatchers: ms}
}

func call(fn *parser.Function, args ...parser.Expr) *parser.Call {
	return &parser.Call{Func: fn, Args: args}
}

// overRange applies a range function (rate, sum_over_time, ...) to
// vs[window].
func overRange(fn *parser.Function, vs *parser.VectorSelector, window time.Duration) *parser.Call {
	return call(fn, &parser.MatrixSelector{VectorSelector: vs, Range: window})
}

func aggregate(op parser.ItemType, e parser.Expr, by ...string) *parser.AggregateExpr {
	return &parser.AggregateExpr{Op: op, Expr: e, Grouping: by}
}

func sum(e parser.Expr) *parser.AggregateExpr { return aggregate(parser.SUM, e) }

func num(v float64) *parser.NumberLiteral { return &parser.NumberLiteral{Val: v} }

// ratNum is the number closest to an exact rational: 14.4 × 0.001 is written
// 0.0144, never the float product 0.014400000000000001.
func ratNum(r *big.Rat) *parser.NumberLiteral {
	f, _ := r.Float64()
	return num(f)
}

// decimalNum parses an exact decimal ("0.0005") into the float it names.
func decimalNum(s string) *parser.NumberLiteral {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic("prometheus: not a decimal: " + s) // only called with catalog.Percent renderings
	}
	return num(f)
}

// precedence of binary operators, lowest first (PromQL's table).
func precedence(op parser.ItemType) int {
	switch op {
	case parser.LOR:
		return 1
	case parser.LAND, parser.LUNLESS:
		return 2
	case parser.EQLC, parser.NEQ, parser.LTE, parser.LSS, parser.GTE, parser.GTR:
		return 3
	case parser.ADD, parser.SUB:
		return 4
	case parser.MUL, parser.DIV, parser.MOD, parser.ATAN2:
		return 5
	case parser.POW:
		return 6
	}
	panic("prometheus: not a binary operator: " + op.String())
}

// binary is l op r, with l and r parenthesised where the printed text would
// otherwise parse differently. All operators but ^ are left-associative.
func binary(op parser.ItemType, l, r parser.Expr) *parser.BinaryExpr {
	p := precedence(op)
	if b, ok := l.(*parser.BinaryExpr); ok {
		if q := precedence(b.Op); q < p || q == p && op == parser.POW {
			l = &parser.ParenExpr{Expr: l}
		}
	}
	if b, ok := r.(*parser.BinaryExpr); ok {
		if q := precedence(b.Op); q < p || q == p && op != parser.POW {
			r = &parser.ParenExpr{Expr: r}
		}
	}
	e := &parser.BinaryExpr{Op: op, LHS: l, RHS: r}
	switch {
	case op.IsSetOperator():
		e.VectorMatching = &parser.VectorMatching{Card: parser.CardManyToMany}
	case l.Type() == parser.ValueTypeVector && r.Type() == parser.ValueTypeVector:
		e.VectorMatching = &parser.VectorMatching{Card: parser.CardOneToOne}
	}
	return e
}

// ignoring is l op ignoring(labels...) r: one-to-one matching of a labelled
// series with an unlabelled one.
func ignoring(op parser.ItemType, l, r parser.Expr, names ...string) *parser.BinaryExpr {
	e := binary(op, l, r)
	e.VectorMatching = &parser.VectorMatching{Card: parser.CardOneToOne, MatchingLabels: names}
	return e
}

// and/or chains fold a list with a set operator.
func chain(op parser.ItemType, es []parser.Expr) parser.Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = binary(op, out, e)
	}
	return out
}

// render prints an expression on one line. (parser.Prettify's layout
// indents the first line of a binary expression, which YAML can only carry
// with an explicit indentation indicator, and costs a String() per node.)
func render(e parser.Expr) string {
	return e.String()
}

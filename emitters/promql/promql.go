// Package promql builds PromQL expressions as syntax trees of the
// Prometheus parser (promql/parser nodes, labels.Matcher matchers), for
// every target that writes queries: the Prometheus target's rules and the
// Grafana target's panels. Building trees rather than text means label
// values are quoted by the printer and brackets balance; Binary adds the
// parentheses operator precedence needs, so the one precedence table of
// svcgen is here.
//
// Input: metric and label names (checked by the compiler against the
// Prometheus name grammar) and values. Output: parser.Expr values, which a
// target prints: the Prometheus target with the parser's printer
// (Expr.String), the Grafana target with its own layout, which can carry
// Grafana's variables.
package promql

import (
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Functions the targets call, looked up once.
var (
	FnRate              = parser.Functions["rate"]
	FnSumOverTime       = parser.Functions["sum_over_time"]
	FnMaxOverTime       = parser.Functions["max_over_time"]
	FnAvgOverTime       = parser.Functions["avg_over_time"]
	FnVector            = parser.Functions["vector"]
	FnAbsent            = parser.Functions["absent"]
	FnHistogramQuantile = parser.Functions["histogram_quantile"]
)

// Eq and Re build label matchers for printing only: the printer quotes their
// values. (A regular expression is compiled by Prometheus when it loads the
// query; svcgen never matches with it.)
func Eq(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchEqual, Name: name, Value: value}
}

// Re is name=~value.
func Re(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchRegexp, Name: name, Value: value}
}

// Ne is name!=value.
func Ne(name, value string) *labels.Matcher {
	return &labels.Matcher{Type: labels.MatchNotEqual, Name: name, Value: value}
}

// Selector is metric{matchers...}.
func Selector(metric string, ms ...*labels.Matcher) *parser.VectorSelector {
	return &parser.VectorSelector{Name: metric, LabelMatchers: ms}
}

// With is vs with more matchers after its own; vs is not changed.
func With(vs *parser.VectorSelector, ms ...*labels.Matcher) *parser.VectorSelector {
	all := make([]*labels.Matcher, 0, len(vs.LabelMatchers)+len(ms))
	all = append(append(all, vs.LabelMatchers...), ms...)
	return Selector(vs.Name, all...)
}

// Call is fn(args...).
func Call(fn *parser.Function, args ...parser.Expr) *parser.Call {
	return &parser.Call{Func: fn, Args: args}
}

// OverRange applies a range function (rate, sum_over_time, ...) to
// vs[window].
func OverRange(fn *parser.Function, vs *parser.VectorSelector, window time.Duration) *parser.Call {
	return Call(fn, &parser.MatrixSelector{VectorSelector: vs, Range: window})
}

// Aggregate is op by (by...) (e), or op(e) without labels.
func Aggregate(op parser.ItemType, e parser.Expr, by ...string) *parser.AggregateExpr {
	return &parser.AggregateExpr{Op: op, Expr: e, Grouping: by}
}

// Sum is sum by (by...) (e).
func Sum(e parser.Expr, by ...string) *parser.AggregateExpr { return Aggregate(parser.SUM, e, by...) }

// Num is a number literal.
func Num(v float64) *parser.NumberLiteral { return &parser.NumberLiteral{Val: v} }

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
	panic("promql: not a binary operator: " + op.String())
}

// Binary is l op r, with l and r parenthesised where the printed text would
// otherwise parse differently. All operators but ^ are left-associative.
func Binary(op parser.ItemType, l, r parser.Expr) *parser.BinaryExpr {
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

// Ignoring is l op ignoring(labels...) r: one-to-one matching of a labelled
// series with one that lacks those labels.
func Ignoring(op parser.ItemType, l, r parser.Expr, names ...string) *parser.BinaryExpr {
	e := Binary(op, l, r)
	e.VectorMatching = &parser.VectorMatching{Card: parser.CardOneToOne, MatchingLabels: names}
	return e
}

// Chain folds a list with a binary operator: a or b or c.
func Chain(op parser.ItemType, es []parser.Expr) parser.Expr {
	out := es[0]
	for _, e := range es[1:] {
		out = Binary(op, out, e)
	}
	return out
}

package grafana

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/emitters/promql"
)

// Panel queries are PromQL syntax trees built with the Prometheus target's
// builder (package emitters/promql: labels.Matcher matchers, one precedence
// table), printed by query in the layout the dashboards have always had:
// matchers in the order they were built, ", " between them. Grafana's
// variables go where the tree holds strings ($cluster is a label value,
// quoted like any other); $__rate_interval, a range, is the one the tree
// cannot hold, so rateRange stands in for it and query prints the variable.
// Every query is parsed by the PromQL parser in the tests, with the
// variables substituted.

// rateRange stands in the syntax tree for $__rate_interval: a negative range,
// which no real query has.
const rateRange time.Duration = -1

// rate is rate(vs[$__rate_interval]).
func rate(vs *parser.VectorSelector) *parser.Call {
	return promql.OverRange(promql.FnRate, vs, rateRange)
}

// div is l / r.
func div(l, r parser.Expr) *parser.BinaryExpr { return promql.Binary(parser.DIV, l, r) }

// vector0 is vector(0): a query that would have no series reads as 0.
func vector0() *parser.Call { return promql.Call(promql.FnVector, promql.Num(0)) }

// query prints e. It knows the node kinds the dashboards use and panics on
// any other, rather than print it in some other layout: a new kind of node
// is a change to this function, with its test.
func query(e parser.Expr) string {
	var b strings.Builder
	write(&b, e)
	return b.String()
}

func write(b *strings.Builder, e parser.Expr) {
	switch n := e.(type) {
	case *parser.VectorSelector:
		b.WriteString(n.Name)
		if len(n.LabelMatchers) == 0 {
			return
		}
		b.WriteByte('{')
		for i, m := range n.LabelMatchers {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m.Name)
			b.WriteString(m.Type.String())
			b.WriteString(strconv.Quote(m.Value))
		}
		b.WriteByte('}')
	case *parser.MatrixSelector:
		write(b, n.VectorSelector)
		b.WriteByte('[')
		if n.Range == rateRange {
			b.WriteString(rateInterval)
		} else {
			b.WriteString(model.Duration(n.Range).String())
		}
		b.WriteByte(']')
	case *parser.Call:
		b.WriteString(n.Func.Name)
		b.WriteByte('(')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a)
		}
		b.WriteByte(')')
	case *parser.AggregateExpr:
		if n.Without || n.Param != nil {
			panic("grafana: query cannot print " + n.String())
		}
		b.WriteString(n.Op.String())
		if len(n.Grouping) > 0 {
			b.WriteString(" by (" + strings.Join(n.Grouping, ", ") + ") ")
		}
		b.WriteByte('(')
		write(b, n.Expr)
		b.WriteByte(')')
	case *parser.BinaryExpr:
		if n.ReturnBool {
			panic("grafana: query cannot print " + n.String())
		}
		write(b, n.LHS)
		b.WriteString(" " + n.Op.String() + " ")
		if vm := n.VectorMatching; vm != nil && len(vm.MatchingLabels) > 0 {
			tag := "ignoring"
			if vm.On {
				tag = "on"
			}
			b.WriteString(tag + "(" + strings.Join(vm.MatchingLabels, ", ") + ") ")
		}
		write(b, n.RHS)
	case *parser.ParenExpr:
		b.WriteByte('(')
		write(b, n.Expr)
		b.WriteByte(')')
	case *parser.NumberLiteral:
		b.WriteString(strconv.FormatFloat(n.Val, 'g', -1, 64))
	default:
		panic("grafana: query cannot print " + e.String())
	}
}

// alternatives is a regular expression matching exactly the given strings
// (label values, which are DNS labels, outcomes or states, quoted anyway).
func alternatives(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return strings.Join(quoted, "|")
}

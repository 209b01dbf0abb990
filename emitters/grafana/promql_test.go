package grafana

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/svcgen/svcgen/emitters/promql"
)

// TestQueryPrintsTheTree: query's layout reads back, through the PromQL
// parser, as the same expression the parser's own printer writes for the
// tree, for every kind of node the dashboards use, label values that need
// escaping, numbers %g writes with an exponent, and parentheses that
// precedence needs.
func TestQueryPrintsTheTree(t *testing.T) {
	const sentinel = 7*time.Minute + 13*time.Second
	sel := promql.Selector("m", promql.Eq("cluster", "$cluster"), promql.Eq("a", `q"uo\te`), promql.Re("s", "5..|x"))
	a, b := promql.Selector("a"), promql.Selector("b")
	for _, e := range []parser.Expr{
		sel,
		rate(sel),
		promql.Sum(rate(promql.With(sel, promql.Eq("z", "last"))), "dependency", "outcome"),
		promql.Aggregate(parser.COUNT, promql.Binary(parser.LSS, promql.Aggregate(parser.MIN, a, "service", "slo"), promql.Num(0.5))),
		promql.Binary(parser.LOR, promql.Sum(rate(a)), vector0()),
		div(promql.Binary(parser.LOR, a, b), promql.Binary(parser.SUB, promql.Num(1), b)),
		promql.Binary(parser.SUB, a, promql.Binary(parser.SUB, b, promql.Num(1e-05))),
		promql.Binary(parser.POW, promql.Binary(parser.POW, a, b), promql.Num(1e21)),
		promql.Aggregate(parser.MAX, promql.Ignoring(parser.ADD, promql.Binary(parser.MUL, promql.Num(2), a), b, "state"), "dependency"),
		promql.Call(promql.FnHistogramQuantile, promql.Num(0.95), promql.Sum(rate(a), "le")),
		promql.OverRange(promql.FnMaxOverTime, a, 90*time.Second),
	} {
		text := query(e)
		got, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(strings.ReplaceAll(text, rateInterval, model.Duration(sentinel).String()), "$cluster", "c1"))
		if err != nil {
			t.Errorf("%s does not parse: %v", text, err)
			continue
		}
		// The parser's printer, over the same tree with the sentinel range.
		parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
			if m, ok := n.(*parser.MatrixSelector); ok && m.Range == rateRange {
				m.Range = sentinel
			}
			return nil
		})
		want, err := parser.NewParser(parser.Options{}).ParseExpr(strings.ReplaceAll(e.String(), "$cluster", "c1"))
		if err != nil {
			t.Fatalf("the parser's own printing %s does not parse: %v", e, err)
		}
		if got.String() != want.String() {
			t.Errorf("query printed %s\nwhich parses as %s\nthe tree is      %s", text, got, want)
		}
	}
}

func TestQueryLayout(t *testing.T) {
	e := promql.Aggregate(parser.MAX, promql.Ignoring(parser.ADD,
		promql.Binary(parser.MUL, promql.Num(2), promql.Selector("s", promql.Eq("service", "a"), promql.Eq("state", "open"))),
		promql.Selector("s", promql.Eq("service", "a"), promql.Eq("state", "half_open")), "state"), "dependency")
	want := `max by (dependency) (2 * s{service="a", state="open"} + ignoring(state) s{service="a", state="half_open"})`
	if got := query(e); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := query(promql.Sum(rate(promql.Selector("r", promql.Eq("cluster", "$cluster"))))), `sum(rate(r{cluster="$cluster"}[$__rate_interval]))`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

package promql

import (
	"math/rand/v2"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
)

// shape writes e with every binary expression grouped explicitly and
// parentheses dropped: two trees have the same shape when they compute the
// same thing.
func shape(e parser.Expr) string {
	switch n := e.(type) {
	case *parser.ParenExpr:
		return shape(n.Expr)
	case *parser.BinaryExpr:
		return "[" + shape(n.LHS) + " " + n.Op.String() + " " + shape(n.RHS) + "]"
	}
	return e.String()
}

var ops = []parser.ItemType{
	parser.LOR, parser.LAND, parser.LUNLESS,
	parser.EQLC, parser.NEQ, parser.LTE, parser.LSS, parser.GTE, parser.GTR,
	parser.ADD, parser.SUB, parser.MUL, parser.DIV, parser.MOD, parser.ATAN2, parser.POW,
}

func randomTree(r *rand.Rand, depth int) parser.Expr {
	if depth == 0 || r.IntN(4) == 0 {
		return Selector([]string{"a", "b", "c"}[r.IntN(3)])
	}
	return Binary(ops[r.IntN(len(ops))], randomTree(r, depth-1), randomTree(r, depth-1))
}

// TestBinaryParenthesises: whatever the nesting of operators, the printed
// expression parses back into the tree that was built (Binary's precedence
// table is PromQL's, ^ included, which associates to the right).
func TestBinaryParenthesises(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	r := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		e := randomTree(r, 4)
		back, err := p.ParseExpr(e.String())
		if err != nil {
			t.Fatalf("%s does not parse: %v", e, err)
		}
		if shape(back) != shape(e) {
			t.Fatalf("%s\nparses as %s\nbuilt as  %s", e, shape(back), shape(e))
		}
	}
}

func TestIgnoringAndWith(t *testing.T) {
	vs := Selector("m", Eq("service", "a"))
	open := With(vs, Eq("state", "open"))
	if len(vs.LabelMatchers) != 1 || len(open.LabelMatchers) != 2 {
		t.Fatalf("With changed its argument or dropped a matcher: %s, %s", vs, open)
	}
	e := Ignoring(parser.ADD, Binary(parser.MUL, Num(2), open), With(vs, Re("state", "half_open|x")), "state")
	want := `2 * m{service="a",state="open"} + ignoring (state) m{service="a",state=~"half_open|x"}`
	if got := e.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

package grafana

import (
	"regexp"
	"strconv"
	"strings"
)

// Panel queries are PromQL with Grafana variables in them ($cluster in label
// values, $__rate_interval as a range), which the PromQL parser's syntax tree
// cannot hold: a range there is a time.Duration. So they are built here from
// small typed pieces instead: label values are quoted by strconv.Quote (the
// quoting the parser's own printer uses), names come from the catalog, which
// the compiler checked against the metric and label name grammar, and every
// expression is parsed by the PromQL parser in the tests, with the variables
// substituted.

// expr is a PromQL expression with the precedence of its outermost binary
// operator (0 for selectors, calls, aggregations and numbers, which never
// need parentheses).
type expr struct {
	text string
	prec int
}

// matchOp is a label matcher's operator.
type matchOp string

const (
	opEq matchOp = "="
	opRe matchOp = "=~"
)

// matcher is one label matcher of a selector.
type matcher struct {
	name  string
	op    matchOp
	value string
}

func eq(name, value string) matcher { return matcher{name, opEq, value} }
func re(name, value string) matcher { return matcher{name, opRe, value} }

// selector is metric{matchers...}, the matchers in the order given.
type selector struct {
	metric   string
	matchers []matcher
}

func (s selector) with(ms ...matcher) selector {
	all := make([]matcher, 0, len(s.matchers)+len(ms))
	all = append(all, s.matchers...)
	return selector{metric: s.metric, matchers: append(all, ms...)}
}

func (s selector) write(b *strings.Builder) {
	b.WriteString(s.metric)
	if len(s.matchers) == 0 {
		return
	}
	b.WriteByte('{')
	for i, m := range s.matchers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.name)
		b.WriteString(string(m.op))
		b.WriteString(strconv.Quote(m.value))
	}
	b.WriteByte('}')
}

// instant is the selector as an instant vector.
func (s selector) instant() expr {
	var b strings.Builder
	s.write(&b)
	return expr{text: b.String()}
}

// overRange is fn(selector[window]).
func overRange(fn string, s selector, window string) expr {
	var b strings.Builder
	b.WriteString(fn)
	b.WriteByte('(')
	s.write(&b)
	b.WriteByte('[')
	b.WriteString(window)
	b.WriteString("])")
	return expr{text: b.String()}
}

// rate is rate(selector[$__rate_interval]).
func rate(s selector) expr { return overRange("rate", s, rateInterval) }

// call is fn(args...).
func call(fn string, args ...expr) expr {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.text
	}
	return expr{text: fn + "(" + strings.Join(parts, ", ") + ")"}
}

// aggregate is op by (labels) (e), or op(e) without labels.
func aggregate(op string, e expr, by ...string) expr {
	if len(by) == 0 {
		return expr{text: op + "(" + e.text + ")"}
	}
	return expr{text: op + " by (" + strings.Join(by, ", ") + ") (" + e.text + ")"}
}

func sum(e expr, by ...string) expr { return aggregate("sum", e, by...) }

// num is a number literal, written the shortest way that reads back as v.
func num(v float64) expr { return expr{text: strconv.FormatFloat(v, 'g', -1, 64)} }

// precedence of PromQL's binary operators, lowest first.
var precedence = map[string]int{
	"or": 1, "and": 2, "unless": 2,
	"==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
	"+": 4, "-": 4,
	"*": 5, "/": 5, "%": 5, "atan2": 5,
	"^": 6,
}

// binary is l op r, with a matching modifier such as "ignoring(state)" ("" for
// none); an operand is parenthesised where the text would otherwise parse
// differently (all operators but ^ associate to the left).
func binary(op string, l, r expr, modifier string) expr {
	p, ok := precedence[op]
	if !ok {
		panic("grafana: not a PromQL binary operator: " + op)
	}
	lt, rt := l.text, r.text
	if l.prec != 0 && (l.prec < p || l.prec == p && op == "^") {
		lt = "(" + lt + ")"
	}
	if r.prec != 0 && (r.prec < p || r.prec == p && op != "^") {
		rt = "(" + rt + ")"
	}
	mid := " " + op + " "
	if modifier != "" {
		mid = " " + op + " " + modifier + " "
	}
	return expr{text: lt + mid + rt, prec: p}
}

func div(l, r expr) expr { return binary("/", l, r, "") }

// alternatives is a regular expression matching exactly the given strings
// (label values, which are DNS labels, outcomes or states, quoted anyway).
func alternatives(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return strings.Join(quoted, "|")
}

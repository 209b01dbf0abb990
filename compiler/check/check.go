package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
)

// Rule is one semantic check.
type Rule struct {
	// ID is the stable kebab-case name diagnostics carry and suppressions use.
	ID string
	// Doc says in one line what the rule refuses.
	Doc string
	// Severity is the severity of the rule's findings.
	Severity diag.Severity
	// Run reports findings through the pass.
	Run func(*Pass)
}

// Pass is one rule's run over one catalog.
type Pass struct {
	Catalog *catalog.Catalog
	rule    *Rule
	diags   *diag.List
}

// Report adds a finding of the running rule. Subject is the service or edge
// ("svc" or "svc.dep") a suppression may silence it for; "" for none.
func (p *Pass) Report(pos catalog.Pos, subject string, format string, args ...any) *diag.Diagnostic {
	p.diags.Add(diag.Diagnostic{
		Pos:      pos,
		Severity: p.rule.Severity,
		Rule:     p.rule.ID,
		Message:  fmt.Sprintf(format, args...),
		Subject:  subject,
	})
	return &(*p.diags)[len(*p.diags)-1]
}

// Subject names an edge for Report.
func Subject(s *catalog.Service, d *catalog.Dependency) string {
	if d == nil {
		return s.Name
	}
	return s.Name + "." + d.Name
}

// All returns every registered rule, sorted by ID.
func All() []*Rule {
	rules := append([]*Rule(nil), registry...)
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// RuleIgnore is the ID of findings about suppressions themselves.
const RuleIgnore = "vet-ignore"

// Run applies rules to c and marks the findings a catalog suppressed with the
// suppression's reason. A suppression naming no known rule is an error: a
// typo would otherwise silence nothing, quietly.
func Run(c *catalog.Catalog, rules []*Rule) diag.List {
	var diags diag.List
	for _, r := range rules {
		r.Run(&Pass{Catalog: c, rule: r, diags: &diags})
	}
	known := map[string]bool{}
	var ids []string
	for _, r := range All() {
		known[r.ID] = true
		ids = append(ids, r.ID)
	}
	ids = append(ids, RuleIgnore)
	reasons := map[string]string{} // subject + "\x00" + rule → reason
	check := func(subject string, ignores []catalog.Ignore) {
		for _, ig := range ignores {
			if !known[ig.Rule] {
				diags.Errorf(ig.Pos, RuleIgnore, "vet: ignore: %q is not a rule%s: svcgen vet --list-rules lists them", ig.Rule, suggest.DidYouMean(ig.Rule, ids))
				continue
			}
			reasons[subject+"\x00"+ig.Rule] = ig.Reason
		}
	}
	for _, s := range c.Services {
		check(s.Name, s.Ignores)
		for _, d := range s.Dependencies {
			check(Subject(s, d), d.Ignores)
		}
	}
	for i := range diags {
		d := &diags[i]
		if d.Subject == "" {
			continue
		}
		// A service's suppression covers its edges; an edge's only itself.
		if r, ok := reasons[d.Subject+"\x00"+d.Rule]; ok {
			d.Suppressed = r
		} else if svc, _, isEdge := strings.Cut(d.Subject, "."); isEdge {
			if r, ok := reasons[svc+"\x00"+d.Rule]; ok {
				d.Suppressed = r
			}
		}
	}
	return diags
}

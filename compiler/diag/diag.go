// Package diag holds diagnostics: findings about a catalog, each at the
// position of the value to change.
//
// Input: diagnostics reported by the compiler and its checks. Output: a sorted,
// de-duplicated list, printed as text, JSON or GitHub Actions annotations.
package diag

import (
	"fmt"
	"sort"

	"github.com/svcgen/svcgen/catalog"
)

// Severity is how bad a finding is.
type Severity int

// Severities. Errors stop a build; warnings are printed.
const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText writes "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one finding.
type Diagnostic struct {
	Pos      catalog.Pos
	Severity Severity
	// Rule is the ID of the check that found it ("schema" for errors of the
	// catalog's shape).
	Rule    string
	Message string
	// Related are further positions that explain the finding (the other edge
	// of a timeout pair, the other file of a conflict).
	Related []Related
	// Subject is the service ("payment") or edge ("payment.pg-gateway") the
	// finding is about, where a suppression can silence it; "" for none.
	Subject string
	// Edges are the further edges ("svc.dep") a finding about a call path
	// involves, which `svcgen graph` draws in red with the subject.
	Edges []string
	// Suppressed holds the reason when a catalog silenced the finding.
	Suppressed string
}

// Related is a further position of a diagnostic.
type Related struct {
	Pos     catalog.Pos
	Message string
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s: %s [%s]", d.Pos, d.Severity, d.Message, d.Rule)
}

// List is a set of diagnostics.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf appends an error at pos.
func (l *List) Errorf(pos catalog.Pos, rule, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Error, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos catalog.Pos, rule, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Warning, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Sort orders the list by position, then rule and message, and drops exact
// duplicates (the same finding reached twice, e.g. through two paths).
func (l List) Sort() List {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos != b.Pos {
			if a.Pos.IsValid() != b.Pos.IsValid() {
				return !a.Pos.IsValid() // position-less findings first
			}
			return a.Pos.Less(b.Pos)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	out := l[:0]
	for i, d := range l {
		if i > 0 && same(d, l[i-1]) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func same(a, b Diagnostic) bool {
	if a.Pos != b.Pos || a.Rule != b.Rule || a.Message != b.Message || a.Severity != b.Severity || len(a.Related) != len(b.Related) || a.Subject != b.Subject {
		return false
	}
	for i := range a.Related {
		if a.Related[i] != b.Related[i] {
			return false
		}
	}
	return true
}

// Errors counts the unsuppressed errors.
func (l List) Errors() int { return l.count(Error) }

// Warnings counts the unsuppressed warnings.
func (l List) Warnings() int { return l.count(Warning) }

func (l List) count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s && d.Suppressed == "" {
			n++
		}
	}
	return n
}

// HasErrors reports whether any unsuppressed error is in the list.
func (l List) HasErrors() bool { return l.Errors() > 0 }

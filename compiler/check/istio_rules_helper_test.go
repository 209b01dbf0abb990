package check_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/compiler/diag"
)

// istioRuleBase is the part of every case's catalog the rules do not look at.
const istioRuleBase = `package catalog

settings: {namespace: "shop", alerting: defaultReceiver: team: "web"}
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/slack"}
`

// istioRuleCase is one catalog for one rule: a case that must trigger it
// (at the given line:col of services.cue, with the given words in the
// message) or a near miss that must compile clean.
type istioRuleCase struct {
	name     string
	services string
	// at is "line:col" in services.cue; "" for a near miss.
	at   string
	want []string
}

// runIstioRuleCases compiles each case with every rule and checks the
// findings of rule id.
func runIstioRuleCases(t *testing.T, id string, cases []istioRuleCase) {
	t.Helper()
	rule := compilertest.Rule(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, diags := compilertest.Compile(t, compiler.Config{}, map[string]string{
				"base.cue":     istioRuleBase,
				"services.cue": "package catalog\n\n" + tc.services,
			})
			var found []diag.Diagnostic
			for _, d := range diags {
				if d.Rule == id {
					found = append(found, d)
				} else if d.Severity == diag.Error {
					t.Fatalf("case does not compile for another reason: %s", d)
				}
			}
			if tc.at == "" {
				if len(found) > 0 || c == nil {
					t.Fatalf("near miss reported: %v", found)
				}
				return
			}
			if len(found) != 1 {
				t.Fatalf("got %d %s findings, want 1: %v", len(found), id, diags)
			}
			f := found[0]
			if got := f.Pos.String(); got != "services.cue:"+tc.at {
				t.Errorf("finding at %s, want services.cue:%s (%s)", got, tc.at, f.Message)
			}
			if f.Severity != rule.Severity {
				t.Errorf("severity %s, want %s", f.Severity, rule.Severity)
			}
			for _, w := range tc.want {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q lacks %q", f.Message, w)
				}
			}
			if c != nil && rule.Severity == diag.Error && f.Suppressed == "" {
				t.Errorf("an error finding left a catalog to emit from")
			}
		})
	}
}

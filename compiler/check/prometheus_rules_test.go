package check_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/compiler/diag"
)

// promCatalog is a one-service catalog; service is the body of services:
// api, settings extra settings lines.
func promCatalog(settings, service string) string {
	return `package catalog

settings: {
	alerting: defaultReceiver: team: "web"
` + settings + `
}

teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/am/slack"}

services: api: {
	team:  "web"
	tier:  "high"
	image: "ghcr.io/example/api:1.0.0"
` + service + `
}
`
}

// promCompile compiles a catalog and returns the diagnostics of rule.
func promCompile(t *testing.T, src, rule string) diag.List {
	t.Helper()
	_, diags := compilertest.Compile(t, compiler.Config{}, compilertest.One(src))
	var out diag.List
	for _, d := range diags {
		if d.Rule == rule {
			out = append(out, d)
		} else if d.Severity == diag.Error && d.Rule == "schema" {
			t.Fatalf("catalog does not compile: %v", d)
		}
	}
	return out
}

type promRuleCase struct {
	name     string
	settings string
	service  string
	// want are substrings of the one expected message; nil for none.
	want []string
	// line is the expected line of the diagnostic (0: not checked).
	line int
}

func runPromRuleCases(t *testing.T, rule string, cases []promRuleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := promCompile(t, promCatalog(tc.settings, tc.service), rule)
			if tc.want == nil {
				if len(diags) != 0 {
					t.Fatalf("want no %s finding, got %v", rule, diags)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one %s finding, got %v", rule, diags)
			}
			d := diags[0]
			if d.Severity != diag.Error {
				t.Errorf("severity %v, want error", d.Severity)
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Message, w) {
					t.Errorf("message %q lacks %q", d.Message, w)
				}
			}
			if d.Pos.Filename != "catalog.cue" {
				t.Errorf("position %v is not in the catalog", d.Pos)
			}
			if tc.line != 0 && d.Pos.Line != tc.line {
				t.Errorf("position %v, want line %d", d.Pos, tc.line)
			}
		})
	}
}

// Lines of promCatalog: the settings lines start at line 5, the service
// body at line 14.
const (
	promSettingsLine = 5
	promServiceLine  = 14
)

func TestLatencyThresholdBucket(t *testing.T) {
	runPromRuleCases(t, "latency-threshold-bucket", []promRuleCase{
		{
			name:    "threshold between buckets",
			service: "slos: latency: {threshold: \"150ms\", objective: 95}",
			want:    []string{"threshold 150ms is not a bucket bound", "use 100ms or 200ms", "add 0.15 to settings.metrics.buckets"},
			line:    promServiceLine,
		},
		{
			name:     "threshold above the highest bucket",
			settings: "metrics: buckets: [0.1, 0.5, 1]",
			service:  "slos: latency: {threshold: \"2s\", objective: 95}",
			want:     []string{"threshold 2s", "use 1s"},
		},
		{
			name:    "threshold on a bucket",
			service: "slos: latency: {threshold: \"250ms\", objective: 95}",
		},
		{
			name:     "threshold on a declared bucket",
			settings: "metrics: buckets: [0.15, 0.3]",
			service:  "slos: latency: {threshold: \"150ms\", objective: 95}",
		},
		{
			name:    "custom SLI has no bucket",
			service: `slos: latency: {threshold: "150ms", objective: 95, sli: {errorQuery: "sum(rate(slow_total[{{.window}}]))", totalQuery: "sum(rate(all_total[{{.window}}]))"}}`,
		},
	})
}

func TestCustomSLIQuery(t *testing.T) {
	sli := func(errorQuery, totalQuery string) string {
		return "slos: availability: sli: {\n\t\terrorQuery: " + errorQuery + "\n\t\ttotalQuery: " + totalQuery + "\n\t}"
	}
	ok := `"sum(rate(http_requests_total{job=\"api\"}[{{.window}}]))"`
	runPromRuleCases(t, "custom-sli-query", []promRuleCase{
		{
			name:    "unbalanced brackets",
			service: sli(`"sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])"`, ok),
			want:    []string{"sli.errorQuery: not valid PromQL with {{.window}} = 5m", "parse error"},
			line:    promServiceLine + 1,
		},
		{
			name:    "no placeholder",
			service: sli(ok, `"sum(rate(http_requests_total[5m]))"`),
			want:    []string{"sli.totalQuery: the query has no {{.window}} placeholder"},
			line:    promServiceLine + 2,
		},
		{
			name:    "a scalar",
			service: sli(`"scalar(sum(rate(errors_total[{{.window}}])))"`, ok),
			want:    []string{"returns a scalar, not an instant vector"},
		},
		{
			name:    "a range vector",
			service: sli(`"errors_total[{{.window}}]"`, ok),
			want:    []string{"returns a range vector"},
		},
		{
			name:    "valid queries",
			service: sli(`"sum(rate(http_requests_total{job=\"api\",code=~\"5..\"}[{{.window}}]))"`, ok),
		},
		{
			name:    "valid subquery",
			service: sli(`"sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}:1m]))"`, ok),
		},
	})
}

func TestErrorStatusRegex(t *testing.T) {
	runPromRuleCases(t, "error-status-regex", []promRuleCase{
		{
			name:     "unbalanced group",
			settings: `metrics: errorStatus: "(5..|429"`,
			want:     []string{"metrics.errorStatus", "not a regular expression Prometheus accepts"},
			line:     promSettingsLine,
		},
		{
			name:     "Perl lookahead",
			settings: `metrics: errorStatus: "5(?!01).."`,
			want:     []string{"not a regular expression"},
		},
		{
			name:     "alternation",
			settings: `metrics: errorStatus: "5..|429"`,
		},
		{
			name: "default",
		},
	})
}

func TestBurnAlertReachable(t *testing.T) {
	runPromRuleCases(t, "burn-alert-reachable", []promRuleCase{
		{
			// 95 % over 90 days: the page at 43.2× needs an error ratio of 216 %.
			name:    "loose objective over a long period",
			service: "slos: availability: {\n\t\tobjective: 95\n\t\tperiod: \"90d\"\n\t}",
			want: []string{"objective 95 % over 90d", "page alert at 43.2× the budget rate over 1h",
				"error ratio of 216 %", "at least 97.69 %", "or a period of at most 41d"},
			line: promServiceLine + 1,
		},
		{
			// 93 % over 30 days: 14.4 × 0.07 = 1.008.
			name:    "just unreachable",
			service: "slos: availability: objective: 93",
			want:    []string{"page alert at 14.4×", "error ratio of 100.8 %", "at least 93.06 %", "at most 29d"},
		},
		{
			// 14.4 × 0.0625 = 0.9: fires at a 90 % error ratio.
			name:    "just reachable",
			service: "slos: availability: objective: 93.75",
		},
		{
			name:    "tier defaults",
			service: "",
		},
	})
}

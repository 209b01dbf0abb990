// Package slothcheck proves that `svcgen import sloth` keeps a Sloth spec's
// alerting: for each spec in testdata, Sloth v0.16.0 generates its rules,
// svcgen imports the spec and builds the catalog's rules, and promtool
// evaluates both over the same synthetic traffic. The page and ticket
// alerts of both must be firing, or not, at the same instants.
package slothcheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// slo is one SLO of a testdata spec and the series its queries read.
type slo struct {
	spec, service, name string
	// objective's error budget per 10,000 requests (99.9 → 10).
	budgetPer10k int
	slothAlert   string
	// series are the input counters, each a function of the requests and
	// bad requests per minute.
	series []series
	crd    bool
}

type series struct {
	name  string
	value func(total, bad int) int
}

func availability(job string) []series {
	return []series{
		{`http_requests_total{job="` + job + `",code="200"}`, func(t, b int) int { return t - b }},
		{`http_requests_total{job="` + job + `",code="503"}`, func(t, b int) int { return b }},
	}
}

var slos = []slo{
	{spec: "checkout.yml", service: "checkout", name: "requests-availability", budgetPer10k: 10, slothAlert: "CheckoutAvailability",
		series: availability("checkout")},
	{spec: "checkout.yml", service: "checkout", name: "requests-latency", budgetPer10k: 100, slothAlert: "CheckoutLatency",
		series: []series{
			{`http_request_duration_seconds_count{job="checkout"}`, func(t, b int) int { return t }},
			{`http_request_duration_seconds_bucket{job="checkout",le="0.3"}`, func(t, b int) int { return t - b }},
		}},
	{spec: "search-crd.yml", service: "search", name: "availability", budgetPer10k: 50, slothAlert: "SearchAvailability",
		series: availability("search"), crd: true},
}

// scenario is a constant burn rate (in tenths: 150 is 15×) for a while, and
// what must be firing at each check.
type scenario struct {
	name   string
	burn10 int // burn rate × 10
	// minutes of traffic
	minutes int
	checks  []check
}

type check struct {
	at           string
	page, ticket bool
}

var scenarios = []scenario{
	// 15× the sustainable rate: the fast page fires, and so does the
	// ticket, whose windows hold only this burn yet. (Checks keep clear of
	// the first 15 minutes, while svcgen's ticket waits out its "for" and
	// Sloth's, which has none, already fires.)
	{name: "burn-15x", burn10: 150, minutes: 3 * 60, checks: []check{
		{at: "30m", page: true, ticket: true},
		{at: "2h30m", page: true, ticket: true},
	}},
	// 4×: below both pages (14.4× and 6×), above the 3× ticket.
	{name: "burn-4x", burn10: 40, minutes: 26 * 60, checks: []check{
		{at: "6h30m", page: false, ticket: true},
		{at: "1d1h", page: false, ticket: true},
	}},
	// 0.9×: the budget lasts the period; nothing fires once every page
	// window and the 1d ticket window are full. (A full 3d window would
	// cost promtool some 4,000 evaluations of every rule for no other
	// outcome: the 3d/6h ticket fires from 1×.)
	{name: "burn-0.9x", burn10: 9, minutes: 26 * 60, checks: []check{
		{at: "1h", page: false, ticket: false},
		{at: "6h30m", page: false, ticket: false},
		{at: "1d1h", page: false, ticket: false},
	}},
}

const requestsPerMinute = 10_000

func TestImportedAlertsFireLikeSloth(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian: apt-get install prometheus)")
	}
	bin := t.TempDir()
	sloth := filepath.Join(bin, "sloth")
	svcgen := filepath.Join(bin, "svcgen")
	run(t, ".", "go", "build", "-o", sloth, "github.com/slok/sloth/cmd/sloth")
	run(t, filepath.Join("..", ".."), "go", "build", "-o", svcgen, "./cmd/svcgen")

	work := t.TempDir()
	specs := map[string]bool{}
	for _, s := range slos {
		specs[s.spec] = s.crd
	}
	for spec, crd := range specs {
		dir := filepath.Join(work, strings.TrimSuffix(spec, ".yml"))
		in, _ := filepath.Abs(filepath.Join("..", "sloth", "testdata", spec))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, work, sloth, "generate", "-i", in, "-o", filepath.Join(dir, "sloth-out.yml"))
		slothRules(t, filepath.Join(dir, "sloth-out.yml"), filepath.Join(dir, "sloth.rules.yml"), crd)
		run(t, work, svcgen, "import", "sloth", in, "-o", filepath.Join(dir, "catalog"))
		run(t, work, svcgen, "build", filepath.Join(dir, "catalog"), "-o", filepath.Join(dir, "gen"), "--target", "prometheus")
	}

	for _, s := range slos {
		for _, sc := range scenarios {
			t.Run(s.service+"/"+s.name+"/"+sc.name, func(t *testing.T) {
				dir := filepath.Join(work, strings.TrimSuffix(s.spec, ".yml"))
				bad := requestsPerMinute * s.budgetPer10k * sc.burn10 / 10 / 10_000
				if bad*10*10_000 != requestsPerMinute*s.budgetPer10k*sc.burn10 {
					t.Fatalf("burn %d/10 of budget %d/10000 is not a whole number of requests per minute", sc.burn10, s.budgetPer10k)
				}
				impls := []struct {
					name, rules, page, ticket string
				}{
					{"sloth", filepath.Join(dir, "sloth.rules.yml"),
						fmt.Sprintf(`ALERTS{alertname=%q,alertstate="firing",sloth_slo=%q,sloth_severity="page"}`, s.slothAlert, s.name),
						fmt.Sprintf(`ALERTS{alertname=%q,alertstate="firing",sloth_slo=%q,sloth_severity="ticket"}`, s.slothAlert, s.name)},
					{"svcgen", filepath.Join(dir, "gen", "prometheus", s.service+".rules.yml"),
						fmt.Sprintf(`ALERTS{alertname="ErrorBudgetBurnFast",alertstate="firing",slo=%q}`, s.name),
						fmt.Sprintf(`ALERTS{alertname="ErrorBudgetBurnSlow",alertstate="firing",slo=%q}`, s.name)},
				}
				for _, im := range impls {
					file := filepath.Join(t.TempDir(), im.name+".test.yml")
					writeTest(t, file, im.rules, s, sc, bad, im.page, im.ticket)
					cmd := exec.Command(promtool, "test", "rules", file)
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("%s rules, %d bad requests in %d a minute:\n%s", im.name, bad, requestsPerMinute, out)
					}
				}
			})
		}
	}
}

// writeTest writes a promtool test of the scenario: at each check, the
// number of firing page and ticket alerts is 1 or 0 as the check says.
func writeTest(t *testing.T, file, rules string, s slo, sc scenario, bad int, page, ticket string) {
	type sample struct {
		Labels string  `yaml:"labels"`
		Value  float64 `yaml:"value"`
	}
	type exprTest struct {
		Expr       string   `yaml:"expr"`
		EvalTime   string   `yaml:"eval_time"`
		ExpSamples []sample `yaml:"exp_samples"`
	}
	type inputSeries struct {
		Series string `yaml:"series"`
		Values string `yaml:"values"`
	}
	type test struct {
		Interval    string        `yaml:"interval"`
		InputSeries []inputSeries `yaml:"input_series"`
		Exprs       []exprTest    `yaml:"promql_expr_test"`
	}
	var in []inputSeries
	for _, sr := range s.series {
		in = append(in, inputSeries{Series: sr.name, Values: fmt.Sprintf("0+%dx%d", sr.value(requestsPerMinute, bad), sc.minutes)})
	}
	one := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	var exprs []exprTest
	for _, c := range sc.checks {
		exprs = append(exprs,
			exprTest{Expr: "count(" + page + ") or vector(0)", EvalTime: c.at, ExpSamples: []sample{{"{}", one(c.page)}}},
			exprTest{Expr: "count(" + ticket + ") or vector(0)", EvalTime: c.at, ExpSamples: []sample{{"{}", one(c.ticket)}}})
	}
	doc := map[string]any{
		"rule_files":          []string{rules},
		"evaluation_interval": "1m",
		"tests":               []test{{Interval: "1m", InputSeries: in, Exprs: exprs}},
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// slothRules writes Sloth's rule groups as a Prometheus rule file: for a
// PrometheusServiceLevel Sloth writes a PrometheusRule object, whose
// spec.groups are the rule file's groups.
func slothRules(t *testing.T, in, out string, crd bool) {
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if crd {
		var obj struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Groups []any `yaml:"groups"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal(b, &obj); err != nil {
			t.Fatal(err)
		}
		if obj.Kind != "PrometheusRule" || len(obj.Spec.Groups) == 0 {
			t.Fatalf("Sloth wrote %s with %d groups, want a PrometheusRule", obj.Kind, len(obj.Spec.Groups))
		}
		if b, err = yaml.Marshal(map[string]any{"groups": obj.Spec.Groups}); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Contains(b, []byte("alert:")) {
		t.Fatalf("Sloth generated no alerts into %s", in)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

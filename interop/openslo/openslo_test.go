package openslo_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/emitters/catalogjson"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/interop/draft"
	"github.com/svcgen/svcgen/interop/openslo"
)

func compile(t *testing.T, dir string) *catalog.Catalog {
	t.Helper()
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil || c == nil || diags.HasErrors() {
		t.Fatalf("compiling %s: %v\n%v", dir, err, diags)
	}
	return c
}

func catalogJSON(t *testing.T, c *catalog.Catalog) []byte {
	t.Helper()
	files, err := catalogjson.Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f.Path, "catalog.json") {
			return f.Data
		}
	}
	t.Fatal("no catalog.json")
	return nil
}

// TestExportShop exports examples/shop, compares the documents with
// testdata/golden/shop.yaml and decodes every one strictly against the v1
// types and the specification's rules.
func TestExportShop(t *testing.T) {
	t.Parallel()
	c := compile(t, examples.Dir("shop"))
	docs, err := openslo.Export(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openslo.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "shop.yaml")
	if os.Getenv("SVCGEN_UPDATE") != "" {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("export differs from %s (SVCGEN_UPDATE=1 rewrites it)", golden)
	}
	objs, err := openslo.Parse("shop.yaml", b)
	if err != nil {
		t.Fatalf("an exported document is not valid OpenSLO v1: %v", err)
	}
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.Kind]++
	}
	slos := 0
	targets := 0
	for _, s := range c.Services {
		slos += len(s.SLOs)
	}
	for _, tm := range c.Teams {
		targets += len(tm.Kinds())
	}
	want4 := map[string]int{
		openslo.KindService: len(c.Services), openslo.KindSLI: slos, openslo.KindSLO: slos,
		openslo.KindAlertCondition: 4 * slos, openslo.KindAlertPolicy: 4 * slos, openslo.KindAlertNotificationTarget: targets,
	}
	for k, n := range want4 {
		if kinds[k] != n {
			t.Errorf("%d %s objects, want %d", kinds[k], k, n)
		}
	}
}

// TestRoundTrip: exporting testdata/roundtrip (shop's teams, receivers and
// SLOs: everything of shop that OpenSLO can carry, plus a custom SLI) and
// importing the documents again reproduces catalog.json byte for byte,
// with nothing to fill and nothing dropped.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	c := compile(t, filepath.Join("testdata", "roundtrip"))
	docs, err := openslo.Export(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openslo.Marshal(docs)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := openslo.Parse("export.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	r := openslo.Import(objs)
	if len(r.Errors) > 0 || len(r.Warnings) > 0 || len(r.Catalog.Fills) > 0 {
		t.Fatalf("errors %v\nwarnings %v\nfills %v", r.Errors, r.Warnings, r.Catalog.Fills)
	}
	dir := writeCatalog(t, r.Catalog)
	got := catalogJSON(t, compile(t, dir))
	want := catalogJSON(t, c)
	if !bytes.Equal(got, want) {
		t.Errorf("catalog.json after export and import differs:\n--- want\n%s\n--- got\n%s", want, got)
	}
}

func writeCatalog(t *testing.T, c *draft.Catalog) string {
	t.Helper()
	files, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestImportForeign imports documents another tool wrote: the catalog
// compiles cleanly, what was invented is listed, the alert policy svcgen
// does not keep is named.
func TestImportForeign(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "checkout.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := openslo.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	r := openslo.Import(objs)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	files, err := r.Catalog.Files()
	if err != nil {
		t.Fatal(err)
	}
	var f strings.Builder
	for _, w := range r.Warnings {
		f.WriteString(w.Error() + "\n")
	}
	for _, x := range r.Catalog.Fills {
		f.WriteString("fill: " + x + "\n")
	}
	files["findings.txt"] = []byte(f.String())
	golden := filepath.Join("testdata", "golden", "checkout")
	if os.Getenv("SVCGEN_UPDATE") != "" {
		os.RemoveAll(golden)
		os.MkdirAll(golden, 0o755)
		for name, b := range files {
			os.WriteFile(filepath.Join(golden, name), b, 0o644)
		}
	}
	for _, name := range draft.FileNames(files) {
		want, err := os.ReadFile(filepath.Join(golden, name))
		if err != nil || !bytes.Equal(want, files[name]) {
			t.Errorf("%s differs from the golden file (%v):\n%s", name, err, files[name])
		}
	}
	c := compile(t, writeCatalog(t, r.Catalog))
	s := c.Service("checkout")
	if s == nil || len(s.SLOs) != 1 || s.SLOs[0].Objective.String() != "99.95" || catalog.FormatDuration(s.SLOs[0].Period) != "28d" {
		t.Fatalf("imported %+v", s)
	}
	if q := s.SLOs[0].SLI.ErrorQuery; !strings.HasPrefix(q, "(sum(rate(http_requests_total{job=\"checkout\"}[{{.window}}]))) - (") {
		t.Errorf("error query %s: want total minus good", q)
	}
	if tm := c.Team("payments"); tm == nil || tm.Opsgenie == nil {
		t.Errorf("team payments should page through opsgenie: %+v", tm)
	}
}

// TestRefused: what the catalog cannot express is refused at its position;
// what is not valid OpenSLO v1 is refused by Parse.
func TestRefused(t *testing.T) {
	sli := func(ratio string) string {
		return "apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: s\nspec:\n" + ratio
	}
	const goodTotal = "  ratioMetric:\n    counter: true\n    good:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: sum(rate(g[{{.window}}]))\n    total:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: sum(rate(t[{{.window}}]))\n"
	slo := func(body string) string {
		return "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: a\nspec:\n  service: api\n" + body
	}
	const obj = "  objectives:\n    - target: 0.99\n"
	for _, tc := range []struct {
		name, docs, want string
	}{
		{"composite", slo("  budgetingMethod: Occurrences\n  objectives:\n    - target: 0.99\n      indicatorRef: s\n    - target: 0.9\n      indicatorRef: s\n"), "x.yaml:9:7: SLO a: a composite SLO"},
		{"timeslices", slo("  indicatorRef: s\n  budgetingMethod: Timeslices\n  objectives:\n    - target: 0.99\n      timeSliceTarget: 0.9\n      timeSliceWindow: 1m\n") + "---\n" + sli(goodTotal), "x.yaml:8:20: SLO a: budgetingMethod Timeslices"},
		{"calendar", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: 1M\n      calendar:\n        startTime: 2020-01-01 00:00:00\n        timeZone: UTC\n"+obj) + "---\n" + sli(goodTotal), "x.yaml:10:5: SLO a: a calendar-aligned time window"},
		{"months", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: 1M\n      isRolling: true\n"+obj) + "---\n" + sli(goodTotal), "timeWindow 1M: months, quarters and years have no fixed length"},
		{"threshold metric", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n"+obj) + "---\n" + sli("  thresholdMetric:\n    metricSource:\n      type: Prometheus\n      spec:\n        query: x\n"), "x.yaml:18:5: SLI s: a threshold metric"},
		{"raw", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n"+obj) + "---\n" + sli("  ratioMetric:\n    rawType: failure\n    raw:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: x\n"), "SLI s: a raw (precomputed) ratio"},
		{"datadog", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n"+obj) + "---\n" + sli(strings.ReplaceAll(goodTotal, "type: Prometheus", "type: Datadog")), "metric source type \"Datadog\""},
		{"no window", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n"+obj) + "---\n" + sli(strings.ReplaceAll(goodTotal, "{{.window}}", "5m")), "the query has no {{.window}}"},
		{"not PromQL", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n"+obj) + "---\n" + sli(strings.ReplaceAll(goodTotal, "sum(rate(t[", "sum(rate(t[[")), "SLI s: total: the query is not valid PromQL"},
		{"missing SLI", slo("  indicatorRef: nope\n  budgetingMethod: Occurrences\n" + obj), "x.yaml:7:17: SLO a: indicatorRef nope: no SLI of that name"},
		{"unknown field", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n  objectivs: []\n"), "x.yaml:9:3: unknown field \"objectivs\""},
		{"no budgeting method", slo("  indicatorRef: s\n" + obj), "spec.budgetingMethod \"\": one of Occurrences, Timeslices, RatioTimeslices is required"},
		{"target range", slo("  indicatorRef: s\n  budgetingMethod: Occurrences\n  objectives:\n    - target: 99.9\n"), "x.yaml:10:7: objective 1: target 99.9 is outside [0, 1)"},
		{"v1alpha", "apiVersion: openslo/v1alpha\nkind: SLO\n", "x.yaml:1:13: apiVersion \"openslo/v1alpha\""},
		{"bad name", "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: My_Service\nspec: {}\n", "x.yaml:4:9: metadata.name \"My_Service\" must be an RFC 1123 label"},
		{"two conditions", "apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: p\nspec:\n  alertWhenBreaching: true\n  alertWhenResolved: false\n  alertWhenNoData: false\n  conditions:\n    - conditionRef: a\n    - conditionRef: b\n  notificationTargets:\n    - targetRef: t\n", "x.yaml:10:5: conditions takes exactly one condition"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			objs, err := openslo.Parse("x.yaml", []byte(tc.docs))
			if err != nil {
				got = append(got, err.Error())
			} else {
				for _, e := range openslo.Import(objs).Errors {
					got = append(got, e.Error())
				}
			}
			joined := strings.Join(got, "\n")
			if len(got) == 0 || !strings.Contains(joined, tc.want) {
				t.Errorf("errors:\n%s\nwant one containing %q", joined, tc.want)
			}
		})
	}
}

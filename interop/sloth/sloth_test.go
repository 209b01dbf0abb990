package sloth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/interop/draft"
	"github.com/svcgen/svcgen/interop/sloth"
)

// TestGolden imports each spec of testdata and compares the written files
// with testdata/golden/<spec>/ (SVCGEN_UPDATE=1 rewrites them); the written
// catalog must compile without a finding.
func TestGolden(t *testing.T) {
	for _, spec := range []string{"checkout.yml", "search-crd.yml"} {
		t.Run(spec, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", spec)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			specs, err := sloth.Parse(path, data)
			if err != nil {
				t.Fatal(err)
			}
			r := sloth.Import(specs)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %v", r.Errors)
			}
			files, err := r.Catalog.Files()
			if err != nil {
				t.Fatal(err)
			}
			var warnings strings.Builder
			for _, w := range r.Warnings {
				warnings.WriteString(w.Error() + "\n")
			}
			for _, f := range r.Catalog.Fills {
				warnings.WriteString("fill: " + f + "\n")
			}
			files["findings.txt"] = []byte(warnings.String())
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(spec, ".yml"))
			compareGolden(t, golden, files)

			dir := t.TempDir()
			for name, b := range files {
				if strings.HasSuffix(name, ".cue") {
					if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
			if err != nil || c == nil || len(diags) > 0 {
				t.Fatalf("the imported catalog does not compile cleanly: %v\n%v", err, diags)
			}
			if got := len(c.Service(specs[0].Service).SLOs); got != len(specs[0].SLOs) {
				t.Errorf("%d SLOs compiled, the spec has %d", got, len(specs[0].SLOs))
			}
		})
	}
}

func compareGolden(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if os.Getenv("SVCGEN_UPDATE") != "" {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(files) {
		t.Errorf("%s holds %d files, the import wrote %d: %v", dir, len(ents), len(files), draft.FileNames(files))
	}
	for _, name := range draft.FileNames(files) {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%v (SVCGEN_UPDATE=1 go test ./interop/... writes it)", err)
			continue
		}
		if string(want) != string(files[name]) {
			t.Errorf("%s/%s differs from the import:\n--- want\n%s\n--- got\n%s", dir, name, want, files[name])
		}
	}
}

// TestRefused: what the catalog cannot express is refused at its position.
func TestRefused(t *testing.T) {
	const head = "version: prometheus/v1\nservice: api\nslos:\n"
	const events = "    sli:\n      events:\n        error_query: sum(rate(e[{{.window}}]))\n        total_query: sum(rate(t[{{.window}}]))\n"
	for _, tc := range []struct {
		name, spec, want string
	}{
		{"plugin SLI", head + "  - name: a\n    objective: 99\n    sli:\n      plugin:\n        id: sloth-common/availability\n", "x.yml:7:7: SLO a: sli.plugin sloth-common/availability: a Sloth SLI plugin"},
		{"raw SLI", head + "  - name: a\n    objective: 99\n    sli:\n      raw:\n        error_ratio_query: x\n", "x.yml:7:7: SLO a: sli.raw: a raw error-ratio SLI"},
		{"SLO plugins", head + "  - name: a\n    objective: 99\n    plugins:\n      chain:\n        - id: x\n" + events, "x.yml:7:7: SLO a: plugins: Sloth SLO plugins"},
		{"group SLO plugins", "version: prometheus/v1\nservice: api\nslo_plugins:\n  chain:\n    - id: x\nslos:\n  - name: a\n    objective: 99\n" + events, "x.yml:4:3: slo_plugins: Sloth SLO plugins"},
		{"objective 100", head + "  - name: a\n    objective: 100\n" + events, "x.yml:5:16: SLO a: objective 100: an objective is strictly between 0 and 100"},
		{"no window", head + "  - name: a\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(e[5m]))\n        total_query: sum(rate(t[{{.window}}]))\n", "x.yml:7:7: SLO a: sli.events.error_query has no {{.window}}"},
		{"other template", head + "  - name: a\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(e{a=\"{{.Service}}\"}[{{.window}}]))\n        total_query: sum(rate(t[{{.window}}]))\n", "uses the template action {{.Service}}"},
		{"not PromQL", head + "  - name: a\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(e[{{.window}}])\n        total_query: sum(rate(t[{{.window}}]))\n", "x.yml:7:7: SLO a: sli.events.error_query is not valid PromQL with {{.window}} = 5m"},
		{"range vector", head + "  - name: a\n    objective: 99\n    sli:\n      events:\n        error_query: e[{{.window}}]\n        total_query: sum(rate(t[{{.window}}]))\n", "x.yml:7:7: SLO a: sli.events.error_query is a range vector, not an instant vector"},
		{"unknown field", head + "  - name: a\n    objectiv: 99\n", "x.yml:5:5: unknown field \"objectiv\""},
		{"service name", "version: prometheus/v1\nservice: My_API\nslos: []\n", "x.yml:2:1: service \"My_API\": a catalog service name is a DNS label"},
		{"version", "version: prometheus/v2\nservice: api\n", "x.yml:1:10: version \"prometheus/v2\""},
		{"other kind", "apiVersion: v1\nkind: ConfigMap\n", "x.yml:1:13: v1 ConfigMap is not a Sloth spec"},
		{"duplicate SLO", head + "  - name: a\n    objective: 99\n" + events + "  - name: a\n    objective: 99\n" + events, "x.yml:10:5: SLO \"a\" of service api is declared twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			specs, err := sloth.Parse("x.yml", []byte(tc.spec))
			if err != nil {
				got = append(got, err.Error())
			} else {
				for _, e := range sloth.Import(specs).Errors {
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

// TestWarnings: what is imported but changed is named.
func TestWarnings(t *testing.T) {
	spec := "version: prometheus/v1\nservice: api\nlabels:\n  team: web\n  cost: x\nslos:\n  - name: a\n    objective: 99\n" +
		"    sli:\n      events:\n        error_query: sum(rate(e[{{.window}}]))\n        total_query: sum(rate(t[{{.window}}]))\n" +
		"    alerting:\n      name: ApiA\n      ticket_alert:\n        disable: true\n"
	specs, err := sloth.Parse("x.yml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	r := sloth.Import(specs)
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`x.yml:3:1: service api: labels cost="x" dropped: the catalog sets its own alert labels`,
		"x.yml:7:5: SLO a: ticket_alert.disable dropped: the catalog always generates the ticket alert ErrorBudgetBurnSlow",
		"x.yml:7:5: SLO a: alert name ApiA kept only as comments: the catalog names its alerts and sets their labels and annotations itself",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Errors) > 0 || r.Catalog.Services[0].Fields[0].Value != "web" {
		t.Errorf("errors %v, team %v", r.Errors, r.Catalog.Services[0].Fields[0].Value)
	}
}

// TestMerge: specs of one service in several files (Sloth's multifile
// layout) become one service with every SLO, in the order written.
func TestMerge(t *testing.T) {
	one := func(slo string) string {
		return "version: prometheus/v1\nservice: api\nlabels:\n  team: web\nslos:\n  - name: " + slo + "\n    objective: 99\n" +
			"    sli:\n      events:\n        error_query: sum(rate(e[{{.window}}]))\n        total_query: sum(rate(t[{{.window}}]))\n"
	}
	var specs []*sloth.Spec
	for i, slo := range []string{"writes", "reads"} {
		s, err := sloth.Parse("f"+string(rune('1'+i))+".yml", []byte(one(slo)))
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s...)
	}
	r := sloth.Import(specs)
	if len(r.Errors) > 0 || len(r.Catalog.Services) != 1 || len(r.Catalog.Teams) != 1 {
		t.Fatalf("errors %v, %d services, %d teams", r.Errors, len(r.Catalog.Services), len(r.Catalog.Teams))
	}
	s := r.Catalog.Services[0]
	if len(s.SLOs) != 2 || s.SLOs[0].Name != "writes" || s.SLOs[1].Name != "reads" {
		t.Errorf("SLOs %v", s.SLOs)
	}
}

package compiler_test

import (
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/compilertest"
)

// compileService compiles a one-team catalog whose only service is svc (CUE
// fields of services: s).
func compileService(t *testing.T, svc string) (*catalog.Catalog, string) {
	t.Helper()
	src := `package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/slack"}
services: s: {
	team:  "web"
	tier:  "low"
	image: "registry.example.com/s:1.0.0"
` + svc + `
}
`
	// No rules: these tests are about lowering, and some budgets here are
	// ones vet refuses.
	c, diags := compilertest.Compile(t, compiler.Config{Rules: []*check.Rule{}}, compilertest.One(src))
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.String())
	}
	return c, strings.Join(msgs, "\n")
}

func TestLowerDisruptionBudget(t *testing.T) {
	one := catalog.IntOrPercent{Value: 1}
	half := catalog.IntOrPercent{Value: 50, Percent: true}
	for _, tc := range []struct {
		name    string
		svc     string
		wantMax *catalog.IntOrPercent
		wantMin *catalog.IntOrPercent
		wantSrc string // key of the set field in Sources
		wantErr string
	}{
		{name: "default", wantMax: &one, wantSrc: "disruptionBudget.maxUnavailable"},
		{name: "maxUnavailable", svc: `disruptionBudget: maxUnavailable: "50%"`, wantMax: &half, wantSrc: "disruptionBudget.maxUnavailable"},
		{name: "minAvailable replaces the default", svc: `disruptionBudget: minAvailable: "50%"`, wantMin: &half, wantSrc: "disruptionBudget.minAvailable"},
		{
			name:    "both",
			svc:     "disruptionBudget: {\n\t\tminAvailable: 1\n\t\tmaxUnavailable: 1\n\t}",
			wantErr: "catalog.cue:10:17: error: disruptionBudget: set minAvailable or maxUnavailable, not both",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, diags := compileService(t, tc.svc)
			if tc.wantErr != "" {
				if c != nil || !strings.Contains(diags, tc.wantErr) {
					t.Fatalf("diagnostics %q, want one containing %q", diags, tc.wantErr)
				}
				return
			}
			if c == nil {
				t.Fatal(diags)
			}
			s := c.Service("s")
			b := s.DisruptionBudget
			if !samePtr(b.MaxUnavailable, tc.wantMax) || !samePtr(b.MinAvailable, tc.wantMin) {
				t.Errorf("budget = max %v min %v, want max %v min %v", b.MaxUnavailable, b.MinAvailable, tc.wantMax, tc.wantMin)
			}
			if _, ok := s.Sources[tc.wantSrc]; !ok {
				t.Errorf("no source for %s", tc.wantSrc)
			}
		})
	}
}

func samePtr(a, b *catalog.IntOrPercent) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestLowerWorkloadImages(t *testing.T) {
	const img = "registry.example.com/s:1.0.0"
	for _, tc := range []struct {
		name   string
		svc    string
		images map[string]string // workload name → image
	}{
		{"rolling", ``, map[string]string{"s": img}},
		{"canary default", `deploy: strategy: "canary"`, map[string]string{"s": img, "s-canary": img}},
		{"canary image", `deploy: {strategy: "canary", canary: image: "registry.example.com/s:1.1.0"}`,
			map[string]string{"s": img, "s-canary": "registry.example.com/s:1.1.0"}},
		{"blue-green default", `deploy: {strategy: "blue-green", blueGreen: active: "green"}`,
			map[string]string{"s-blue": img, "s-green": img}},
		{"blue-green staged", `deploy: {strategy: "blue-green", blueGreen: {active: "blue", images: green: "registry.example.com/s:2.0.0"}}`,
			map[string]string{"s-blue": img, "s-green": "registry.example.com/s:2.0.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, diags := compileService(t, tc.svc)
			if c == nil {
				t.Fatal(diags)
			}
			got := map[string]string{}
			for _, w := range c.Service("s").Workloads() {
				got[w.Name] = w.Image
			}
			if len(got) != len(tc.images) {
				t.Fatalf("workloads %v, want %v", got, tc.images)
			}
			for name, want := range tc.images {
				if got[name] != want {
					t.Errorf("%s runs %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

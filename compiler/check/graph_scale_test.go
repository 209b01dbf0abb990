package check_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/check"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/examples/synth"
)

// layered builds a catalog of layers × width services in which every service
// calls fanout services of the next layer: width^layers paths from the top,
// far too many to enumerate, which the graph rules must not try to. Each
// hop makes attempts attempts; timeouts shrink down the layers.
func layered(layers, width, fanout, attempts int) *catalog.Catalog {
	name := func(l, i int) string { return fmt.Sprintf("l%03d-s%03d", l, i) }
	var services []*catalog.Service
	for l := range layers {
		for i := range width {
			s := &catalog.Service{Name: name(l, i), Team: "web", Tier: catalog.TierLow}
			for k := range fanout {
				if l+1 == layers {
					break
				}
				callee := name(l+1, (i+k)%width)
				perTry := time.Duration(layers-l) * time.Second
				s.Dependencies = append(s.Dependencies, &catalog.Dependency{
					Name: callee, Kind: catalog.KindInternal, Service: callee, Profile: catalog.ProfileStandard,
					Timeout: catalog.Timeouts{PerTry: perTry, Total: perTry - time.Second/2 + time.Second/4},
					Retry:   catalog.Retry{Owner: catalog.OwnerClient, MaxRetries: attempts - 1},
				})
			}
			services = append(services, s)
		}
	}
	return catalog.New(catalog.Settings{Vet: catalog.Vet{RetryAmplification: 10}},
		[]*catalog.Team{{Name: "web"}}, services)
}

func graphRules() []*check.Rule {
	var out []*check.Rule
	for _, r := range check.All() {
		switch r.ID {
		case "synchronous-cycle", "timeout-hierarchy", "retry-amplification":
			out = append(out, r)
		}
	}
	return out
}

// A call graph with 3^99 paths: the rules fold values per service, so they
// finish, and each amplified path is reported once, at the hop that tips it.
func TestGraphRulesOnManyPaths(t *testing.T) {
	c := layered(100, 50, 3, 2)
	diags := check.Run(c, graphRules())
	var amplified []diag.Diagnostic
	for _, d := range diags {
		if d.Rule != "retry-amplification" {
			t.Fatalf("unexpected finding: %s", d)
		}
		amplified = append(amplified, d)
	}
	// 2 attempts a hop: 2^3 = 8 from the fourth layer from the bottom
	// (l096) down, so every service of the fifth (l095) tips each of its
	// three calls to 16; the whole path from the top makes 2^99.
	if len(amplified) != 50*3 {
		t.Fatalf("%d findings, want 150", len(amplified))
	}
	for _, d := range amplified {
		if !strings.HasPrefix(d.Subject, "l095-") {
			t.Errorf("finding on %s, want one of layer l095", d.Subject)
		}
		if !strings.Contains(d.Message, "synchronous path l000-") || !strings.Contains(d.Message, "up to 6.34e+29 attempts") || !strings.Contains(d.Message, "from this hop down alone it is 16") {
			t.Errorf("not the whole path from the top: %.300s", d.Message)
		}
	}
}

// A chain of 5,000 services, one after the other: recursion and path
// reconstruction stay linear.
func TestGraphRulesOnLongChain(t *testing.T) {
	c := layered(5000, 1, 1, 1)
	if diags := check.Run(c, graphRules()); len(diags) != 0 {
		t.Fatalf("findings on a clean chain: %v", diags[0])
	}
}

func BenchmarkGraphRules(b *testing.B) {
	for _, g := range []struct {
		name                  string
		layers, width, fanout int
	}{
		{"chain=5000", 5000, 1, 1},
		{"layers=100x50,fanout=3", 100, 50, 3},
	} {
		b.Run(g.name, func(b *testing.B) {
			c := layered(g.layers, g.width, g.fanout, 2)
			rules := graphRules()
			b.ReportAllocs()
			for b.Loop() {
				check.Run(c, rules)
			}
		})
	}
}

// BenchmarkAllRules runs every rule over a compiled synthetic catalog of
// 5,000 services (20,000 dependencies), which is clean under all of them.
func BenchmarkAllRules(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Write(dir, 5000); err != nil {
		b.Fatal(err)
	}
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil || c == nil || len(diags) > 0 {
		b.Fatalf("compile: %v %v", err, diags)
	}
	rules := check.All()
	b.ReportAllocs()
	for b.Loop() {
		if diags := check.Run(c, rules); len(diags) > 0 {
			b.Fatal(diags[0])
		}
	}
}

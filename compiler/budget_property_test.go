package compiler_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/catalog"
	. "github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/diag"
)

// The rules the derived timeouts and retries must satisfy, and the ones
// about who retries.
var budgetRules = map[string]bool{
	"timeout-hierarchy":         true,
	"retry-budget":              true,
	"retry-amplification":       true,
	"double-retry-owner":        true,
	"mesh-retry-non-idempotent": true,
	"mesh-retry-needs-http":     true,
}

// propertySeed is the seed of the random catalogs: SVCGEN_PROPERTY_SEED
// replays a failure, otherwise it is fixed so that every run checks the
// same catalogs.
func propertySeed(t *testing.T) uint64 {
	if s := os.Getenv("SVCGEN_PROPERTY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SVCGEN_PROPERTY_SEED=%q: %v", s, err)
		}
		return n
	}
	return 20261203
}

// A catalog that writes only the required fields passes every timeout and
// retry rule, on any acyclic graph: layers up to 6 deep, up to 8 calls per
// service, every kind, tier and profile, asynchronous calls mixed in.
func TestDerivedDefaultsHoldOnRandomGraphs(t *testing.T) {
	t.Parallel()
	base := propertySeed(t)
	for i := range 24 {
		seed := base + uint64(i)
		src := randomCatalog(rand.New(rand.NewPCG(seed, 1)), false)
		c, diags := compileText(t, src)
		for _, d := range diags {
			if d.Severity == diag.Error {
				t.Fatalf("seed %d (SVCGEN_PROPERTY_SEED=%d replays it, as case 0): defaults only, and vet says:\n%s\ncatalog:\n%s", seed, seed, d, src)
			}
		}
		if c == nil {
			t.Fatalf("seed %d: no model", seed)
		}
	}
}

// With random values written on some edges (and some services' resilience
// blocks, and the amplification limit), a timeout or retry finding always
// points at a value the catalog wrote (at the finding or among its related
// positions): what svcgen derived holds by itself, and where written values
// make a derivation impossible the finding says which to change.
func TestDerivedValuesHoldBesideWrittenOnes(t *testing.T) {
	t.Parallel()
	base := propertySeed(t)
	findings := 0
	for i := range 24 {
		seed := base + uint64(i)
		src := randomCatalog(rand.New(rand.NewPCG(seed, 2)), true)
		c, diags := compileText(t, src, KeepModelConfig)
		if c == nil {
			t.Fatalf("seed %d: the catalog does not compile:\n%v\n%s", seed, diags, src)
		}
		writtenAt := map[catalog.Pos]bool{}
		for _, s := range c.Services {
			for _, d := range s.Dependencies {
				for key, src := range d.Sources {
					if src.Default == "" && src.Pos.IsValid() && (strings.HasPrefix(key, "timeout.") || strings.HasPrefix(key, "retry.")) {
						writtenAt[src.Pos] = true
					}
				}
			}
		}
		if src, ok := c.Settings.Sources["vet.retryAmplification"]; ok && src.Default == "" {
			writtenAt[src.Pos] = true
		}
		for _, d := range diags {
			if d.Severity != diag.Error {
				continue
			}
			if !budgetRules[d.Rule] {
				t.Fatalf("seed %d: an error outside the timeout and retry rules: %s\n%s", seed, d, src)
			}
			findings++
			ok := writtenAt[d.Pos]
			for _, r := range d.Related {
				ok = ok || writtenAt[r.Pos]
			}
			if !ok {
				t.Fatalf("seed %d (SVCGEN_PROPERTY_SEED=%d replays it, as case 0): a finding that names no written value:\n%s\ncatalog:\n%s", seed, seed, d, src)
			}
		}
	}
	// The written values are random enough to break rules: the property
	// is not checked on clean catalogs only.
	if findings == 0 {
		t.Errorf("no case produced a finding; the written values are too tame to test anything")
	}
}

// KeepModelConfig asks for the model beside rule errors.
func KeepModelConfig(c *Config) { c.KeepModel = true }

func compileText(t *testing.T, src string, opts ...func(*Config)) (*catalog.Catalog, diag.List) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "catalog.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Dir: dir}
	for _, o := range opts {
		o(&cfg)
	}
	c, diags, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, diags
}

var (
	tiers    = []string{"critical", "high", "medium", "low"}
	kinds    = []string{"external", "database", "cache", "upload"}
	profiles = []string{"core", "standard", "analytics", "external", "async"}
)

// randomCatalog writes a layered (so acyclic) catalog: services in up to 6
// layers, each calling up to 8 services of deeper layers and outside
// dependencies of every kind, some with a profile of their own (async among
// them). With written, some edges and services also write timeouts and
// retries, and the amplification limit may be set.
func randomCatalog(r *rand.Rand, written bool) string {
	var b strings.Builder
	b.WriteString(`package catalog

settings: alerting: defaultReceiver: team: "web"
teams: web: receivers: {
	pagerduty: routingKeyFile: "/etc/alertmanager/secrets/pd"
	slack: {channel: "#web", apiURLFile: "/etc/alertmanager/secrets/slack"}
}
`)
	if written && r.IntN(4) == 0 {
		fmt.Fprintf(&b, "settings: vet: retryAmplification: %d\n", 2+r.IntN(20))
	}
	depth := 1 + r.IntN(6)
	var layers [][]string
	n := 0
	for range depth {
		var layer []string
		for range 1 + r.IntN(4) {
			layer = append(layer, fmt.Sprintf("s%d", n))
			n++
		}
		layers = append(layers, layer)
	}
	host := 0
	for li, layer := range layers {
		for _, name := range layer {
			fmt.Fprintf(&b, "services: %s: {\n\tteam: \"web\", tier: %q, image: \"r/%s:1\"\n", name, tiers[r.IntN(len(tiers))], name)
			if written && r.IntN(6) == 0 {
				fmt.Fprintf(&b, "\tresilience: {%s}\n", randomPolicy(r))
			}
			var deeper []string
			for _, l := range layers[li+1:] {
				deeper = append(deeper, l...)
			}
			r.Shuffle(len(deeper), func(i, j int) { deeper[i], deeper[j] = deeper[j], deeper[i] })
			calls := r.IntN(9)
			b.WriteString("\tdependencies: {\n")
			for i := range calls {
				var fields []string
				dep := ""
				if i < len(deeper) && r.IntN(4) != 0 {
					dep = deeper[i]
				} else {
					k := kinds[r.IntN(len(kinds))]
					dep = fmt.Sprintf("%s-%d", k, host)
					if k == "upload" && r.IntN(2) == 0 {
						// An upload may go without a host, over HTTP too.
						fields = append(fields, `kind: "upload", protocol: "HTTP"`)
					} else {
						fields = append(fields, fmt.Sprintf("kind: %q, host: \"h%d.example.net\"", k, host))
					}
					host++
				}
				if r.IntN(4) == 0 {
					fields = append(fields, fmt.Sprintf("profile: %q", profiles[r.IntN(len(profiles))]))
				}
				if written && r.IntN(3) == 0 {
					fields = append(fields, randomPolicy(r))
				}
				fmt.Fprintf(&b, "\t\t%q: {%s}\n", dep, strings.Join(fields, ", "))
			}
			b.WriteString("\t}\n}\n")
		}
	}
	return b.String()
}

// randomPolicy writes some of a per-try timeout, a total and a retry count.
func randomPolicy(r *rand.Rand) string {
	var timeout, out []string
	ms := func() string { return strconv.Itoa(50+r.IntN(20000)) + "ms" }
	if r.IntN(2) == 0 {
		timeout = append(timeout, "perTry: \""+ms()+"\"")
	}
	if r.IntN(2) == 0 {
		timeout = append(timeout, "total: \""+ms()+"\"")
	}
	if len(timeout) > 0 {
		out = append(out, "timeout: {"+strings.Join(timeout, ", ")+"}")
	}
	if len(timeout) == 0 || r.IntN(2) == 0 {
		out = append(out, "retry: maxRetries: "+strconv.Itoa(r.IntN(5)))
	}
	return strings.Join(out, ", ")
}

// The eleven-service topology of a public demo shop, ported with only the
// required fields (testdata/boutique), vets without an error, and without
// any timeout or retry finding at all: before the derivation it had four
// (every internal edge 10s in total, per-try squeezed to 2.2–2.7s, 72
// attempts along loadgenerator → storefront → checkout → cart → cache).
// Its only findings are slo-feasibility warnings: the tiers' objectives
// really are above what seven hard dependencies allow.
func TestBoutiqueVetsCleanWithDefaults(t *testing.T) {
	t.Parallel()
	c, diags, err := Compile(Config{Dir: "testdata/boutique"})
	if err != nil || c == nil {
		t.Fatalf("%v %v", err, diags)
	}
	if len(c.Services) != 11 {
		t.Fatalf("%d services, want 11", len(c.Services))
	}
	for _, d := range diags {
		if d.Severity == diag.Error || budgetRules[d.Rule] {
			t.Errorf("%s", d)
		}
		if d.Rule != "slo-feasibility" {
			t.Errorf("unexpected finding: %s", d)
		}
	}
	// The derivation, edge by edge: the storefront's callers wait one 5s
	// attempt (the internal kind's per-try cap), every service's budget is
	// 10 % under what its callers wait, and only the calls nearest the
	// cache retry.
	for _, tc := range []struct {
		edge          string
		perTry, total string
		attempts      int
	}{
		{"loadgenerator.storefront", "5s", "5s", 1},
		{"storefront.checkout", "4.54s", "4.54s", 1},
		{"storefront.cart", "1.1s", "1.1s", 1},
		{"checkout.cart", "1.1s", "1.1s", 1},
		{"cart.cart-cache", "200ms", "1s", 2},
		{"checkout.payment", "1.25s", "4.12s", 3},
	} {
		svc, dep, _ := strings.Cut(tc.edge, ".")
		d := c.Service(svc).Dependency(dep)
		got := fmt.Sprintf("%s %s %d", catalog.FormatDuration(d.Timeout.PerTry), catalog.FormatDuration(d.Timeout.Total), d.Retry.Attempts())
		if want := fmt.Sprintf("%s %s %d", tc.perTry, tc.total, tc.attempts); got != want {
			t.Errorf("%s: per try, total, attempts = %s, want %s", tc.edge, got, want)
		}
	}
}

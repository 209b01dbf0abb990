package istio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	networking "istio.io/api/networking/v1"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/examples"
)

// TestExamples holds every bundled example's output to the invariants and
// checks, edge by edge, that the mesh enforces what the catalog says.
func TestExamples(t *testing.T) {
	for _, name := range examples.Names() {
		t.Run(name, func(t *testing.T) {
			c := examples.Compile(t, name)
			docs := parseFiles(t, emitFiles(t, c))
			checkInvariants(t, c, docs)
			checkEdges(t, c, docs)

			// The committed goldens too, as a consumer reads them from disk
			// (TestGolden in emitters/all keeps them equal to the build).
			paths, err := filepath.Glob(filepath.Join(examples.GoldenDir(name), Dir, "*.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var golden []emit.File
			for _, p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				golden = append(golden, emit.File{Path: Dir + "/" + filepath.Base(p), Data: data})
			}
			if len(docs) > 0 && len(golden) == 0 {
				t.Errorf("no golden istio files for %s", name)
			}
			gdocs := parseFiles(t, golden)
			checkInvariants(t, c, gdocs)
			checkEdges(t, c, gdocs)
		})
	}
}

// TestMeshGolden compares the output for testdata/mesh, which exercises every
// shape of object the examples do not, with testdata/mesh.golden.
// SVCGEN_UPDATE=1 rewrites it.
func TestMeshGolden(t *testing.T) {
	c := compileDir(t, filepath.Join("testdata", "mesh"))
	files := emitFiles(t, c)
	docs := parseFiles(t, files)
	checkInvariants(t, c, docs)
	checkEdges(t, c, docs)

	dir := filepath.Join("testdata", "mesh.golden")
	if os.Getenv("SVCGEN_UPDATE") != "" {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(f.Path, Dir+"/")))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(files) {
		t.Errorf("%d golden files, %d emitted", len(entries), len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(f.Path, Dir+"/")))
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		if !bytes.Equal(want, f.Data) {
			t.Errorf("%s differs from testdata/mesh.golden (SVCGEN_UPDATE=1 go test ./emitters/istio/ rewrites it after review):\n%s", f.Path,
				emit.Change{Path: f.Path, Old: want, New: f.Data}.Unified())
		}
	}
}

// checkEdges resolves, for every dependency of every service, the route and
// the DestinationRule Istio would apply to the caller's requests, and checks
// them against the catalog: the mesh retries exactly the edges it owns (and
// nothing else, Istio's default retries included), with the edge's
// timeouts, pool and breaker; canary and blue-green routing go to the
// Deployments' subsets.
func checkEdges(t *testing.T, c *catalog.Catalog, docs []doc) {
	t.Helper()
	ns := c.Settings.Namespace
	for _, s := range c.Services {
		for _, d := range s.Dependencies {
			host := d.Host
			callee := c.Callee(d)
			if callee != nil {
				host = conventions.Host(callee.Name, ns)
			}
			if host == "" {
				continue
			}
			edge := s.Name + "." + d.Name
			route, rule, err := resolve(docs, ns, s.Name, host, nil)
			if err != nil {
				t.Errorf("%s: %v", edge, err)
				continue
			}
			checkRule(t, edge, d, rule)
			http := callee != nil || d.Protocol == "HTTP"
			if !http {
				if route != nil {
					t.Errorf("%s: a route for %s, whose requests the sidecar cannot see", edge, host)
				}
				continue
			}
			if route == nil {
				t.Errorf("%s: no route to %s", edge, host)
				continue
			}
			checkRoute(t, edge, d, route)
			if callee == nil {
				continue
			}
			switch dep := callee.Deploy; dep.Strategy {
			case catalog.StrategyCanary:
				wantSplit(t, edge, route, map[string]int32{catalog.VersionStable: int32(100 - dep.Canary.Weight), catalog.VersionCanary: int32(dep.Canary.Weight)})
				hr, _, _ := resolve(docs, ns, s.Name, host, map[string]string{dep.Canary.Header: "true"})
				if hr == nil || hr == route {
					t.Errorf("%s: a request with %s: true is not routed apart", edge, dep.Canary.Header)
					continue
				}
				checkRoute(t, edge+" (canary header)", d, hr)
				wantSplit(t, edge+" (canary header)", hr, map[string]int32{catalog.VersionCanary: 100})
			case catalog.StrategyBlueGreen:
				wantSplit(t, edge, route, map[string]int32{string(dep.BlueGreen.Active): 100})
			default:
				wantSplit(t, edge, route, map[string]int32{"": 100})
			}
		}
	}
}

func checkRoute(t *testing.T, edge string, d *catalog.Dependency, r *networking.HTTPRoute) {
	t.Helper()
	if r.Retries == nil {
		t.Errorf("%s: route %s leaves retries to Istio's default (2 attempts)", edge, r.Name)
		return
	}
	meshOwns := d.Retry.Owner == catalog.OwnerMesh && d.Idempotent && d.Retry.MaxRetries > 0
	if !meshOwns {
		if r.Retries.Attempts != 0 {
			t.Errorf("%s: route %s retries %d times, but the mesh does not own the edge's retries", edge, r.Name, r.Retries.Attempts)
		}
		if got := r.Timeout.AsDuration(); got != d.Timeout.PerTry {
			t.Errorf("%s: route %s times out after %s, want one attempt's %s", edge, r.Name, got, d.Timeout.PerTry)
		}
		return
	}
	if got := int(r.Retries.Attempts); got != d.Retry.MaxRetries {
		t.Errorf("%s: route %s: %d attempts, want %d", edge, r.Name, got, d.Retry.MaxRetries)
	}
	if got := r.Retries.PerTryTimeout.AsDuration(); got != d.Timeout.PerTry {
		t.Errorf("%s: route %s: per try %s, want %s", edge, r.Name, got, d.Timeout.PerTry)
	}
	if got := r.Timeout.AsDuration(); got != d.Timeout.Total {
		t.Errorf("%s: route %s: timeout %s, want %s", edge, r.Name, got, d.Timeout.Total)
	}
	if got := r.Retries.Backoff.AsDuration(); got != d.Retry.InitialBackoff {
		t.Errorf("%s: route %s: backoff %s, want %s", edge, r.Name, got, d.Retry.InitialBackoff)
	}
}

func checkRule(t *testing.T, edge string, d *catalog.Dependency, dr *networking.DestinationRule) {
	t.Helper()
	if dr == nil || dr.TrafficPolicy == nil {
		t.Errorf("%s: no DestinationRule policy applies", edge)
		return
	}
	pool, od := dr.TrafficPolicy.ConnectionPool, dr.TrafficPolicy.OutlierDetection
	if got := pool.Tcp.ConnectTimeout.AsDuration(); got != d.Timeout.Connect {
		t.Errorf("%s: connect timeout %s, want %s", edge, got, d.Timeout.Connect)
	}
	http := d.Kind == catalog.KindInternal || d.Protocol == "HTTP"
	var wantConns, wantReqs, wantPending int32
	if d.Bulkhead.Isolation != catalog.IsolationNone {
		wantConns = int32(d.Bulkhead.MaxConcurrent)
		if http {
			wantReqs, wantPending = wantConns, int32(max(d.Bulkhead.MaxQueue, 1))
		}
	}
	if pool.Tcp.MaxConnections != wantConns || pool.Http.GetHttp2MaxRequests() != wantReqs || pool.Http.GetHttp1MaxPendingRequests() != wantPending {
		t.Errorf("%s: pool of %d connections, %d requests, %d pending; want %d, %d, %d (bulkhead %+v)", edge,
			pool.Tcp.MaxConnections, pool.Http.GetHttp2MaxRequests(), pool.Http.GetHttp1MaxPendingRequests(),
			wantConns, wantReqs, wantPending, d.Bulkhead)
	}
	want := d.Breaker.Failures
	if d.Breaker.Window == catalog.WindowTime {
		want = int(math.Round(float64(d.Breaker.MinCalls) * d.Breaker.FailureRate.Float64() / 100))
	}
	if got := int(od.GetConsecutive_5XxErrors().GetValue()); got != want {
		t.Errorf("%s: ejects after %d consecutive errors, want %d (%s)", edge, got, want, d.Breaker.Describe())
	}
	if got := od.BaseEjectionTime.AsDuration(); got != d.Breaker.OpenFor {
		t.Errorf("%s: ejects for %s, want the breaker's open time %s", edge, got, d.Breaker.OpenFor)
	}
}

// wantSplit checks where a route sends requests: subset → weight ("" for
// the host itself); a lone destination takes everything.
func wantSplit(t *testing.T, edge string, r *networking.HTTPRoute, want map[string]int32) {
	t.Helper()
	got := map[string]int32{}
	for _, d := range r.Route {
		w := d.Weight
		if len(r.Route) == 1 {
			w = 100
		}
		got[d.Destination.Subset] = w
	}
	for k, v := range want {
		if v == 0 {
			delete(want, k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: route %s splits %v, want %v", edge, r.Name, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: route %s splits %v, want %v", edge, r.Name, got, want)
		}
	}
}

// TestScenarios pins the choices the examples do not show.
func TestScenarios(t *testing.T) {
	const svc = `team: "web", tier: "low", image: "x/img:1"`
	for _, tc := range []struct {
		name     string
		services string
		check    func(t *testing.T, files []emit.File, docs []doc)
	}{
		{
			name:     "a rolling service nobody calls and that calls nothing outside gets no file",
			services: `services: a: {` + svc + `}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				if len(files) != 0 {
					t.Errorf("files %v", files)
				}
			},
		},
		{
			name: "callers that agree share the default route and rule",
			services: `services: a: {` + svc + `, dependencies: c: {}}
services: b: {` + svc + `, dependencies: c: {}}
services: c: {` + svc + `}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				vs := only(t, docs, KindVirtualService, "c").VS
				if len(vs.Http) != 1 || vs.Http[0].Name != RouteDefault {
					t.Errorf("routes %v, want the default route alone", routeNames(vs))
				}
				if n := count(docs, KindDestinationRule); n != 1 {
					t.Errorf("%d DestinationRules, want 1", n)
				}
			},
		},
		{
			name: "the policy most callers share is the default; the tie goes to the first caller",
			services: `services: a: {` + svc + `, dependencies: d: timeout: total: "4s"}
services: b: {` + svc + `, dependencies: d: timeout: total: "6s"}
services: c: {` + svc + `, dependencies: d: timeout: total: "6s"}
services: d: {` + svc + `}
services: e: {` + svc + `, dependencies: x: timeout: total: "4s"}
services: f: {` + svc + `, dependencies: x: timeout: total: "6s"}
services: x: {` + svc + `}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				if got := routeNames(only(t, docs, KindVirtualService, "d").VS); strings.Join(got, " ") != "from-a default" {
					t.Errorf("d's routes %v", got)
				}
				if got := routeNames(only(t, docs, KindVirtualService, "x").VS); strings.Join(got, " ") != "from-f default" {
					t.Errorf("x's routes %v", got)
				}
			},
		},
		{
			name: "a non-idempotent caller gets its own route with retries off, and its own rule only where its pool differs",
			services: `services: a: {` + svc + `, dependencies: c: idempotent: true}
services: b: {` + svc + `, dependencies: c: idempotent: true}
services: w: {` + svc + `, dependencies: c: idempotent: false}
services: c: {` + svc + `}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				vs := only(t, docs, KindVirtualService, "c").VS
				if got := routeNames(vs); strings.Join(got, " ") != "from-w default" {
					t.Fatalf("routes %v", got)
				}
				if r := vs.Http[0]; r.Retries.GetAttempts() != 0 || r.Match[0].SourceLabels[conventions.LabelName] != "w" || r.Match[0].SourceNamespace != "shop" {
					t.Errorf("w's route %v", r)
				}
				if r := vs.Http[1]; r.Retries.GetAttempts() == 0 {
					t.Errorf("the default route does not retry: %v", r)
				}
				if n := count(docs, KindDestinationRule); n != 1 {
					t.Errorf("%d DestinationRules; w's pool is everyone's", n)
				}
			},
		},
		{
			name: "canary weights 0 and 100 drop the idle subset from the split, not from the rule",
			services: `services: a: {` + svc + `, dependencies: {z: {}, h: {}}}
services: z: {` + svc + `, deploy: {strategy: "canary", canary: weight: 0}}
services: h: {` + svc + `, deploy: {strategy: "canary", canary: weight: 100}}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				for name, want := range map[string]string{"z": catalog.VersionStable, "h": catalog.VersionCanary} {
					vs := only(t, docs, KindVirtualService, name).VS
					last := vs.Http[len(vs.Http)-1]
					if len(last.Route) != 1 || last.Route[0].Destination.Subset != want || last.Route[0].Weight != 0 {
						t.Errorf("%s: default route %v, want all of it to %s", name, last.Route, want)
					}
					if dr := only(t, docs, KindDestinationRule, name).DR; len(dr.Subsets) != 2 {
						t.Errorf("%s: subsets %v", name, dr.Subsets)
					}
				}
			},
		},
		{
			name: "an outside host two services share lives in the first one's file, with the other's rule beside it",
			services: `services: b: {` + svc + `, dependencies: psp: {kind: "external", host: "api.psp.example.com"}}
services: a: {` + svc + `, dependencies: pay: {kind: "external", host: "api.psp.example.com", bulkhead: maxConcurrent: 5}}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				if len(files) != 1 || files[0].Path != "istio/a.yaml" {
					t.Fatalf("files %v", paths(files))
				}
				if se := only(t, docs, KindServiceEntry, "a.to.pay").SE; len(se.Hosts) != 1 {
					t.Errorf("ServiceEntry %v", se)
				}
				dr := only(t, docs, KindDestinationRule, "a.to.pay.from.b").DR
				if dr.WorkloadSelector.GetMatchLabels()[conventions.LabelName] != "b" {
					t.Errorf("b's rule selects %v", dr.WorkloadSelector)
				}
				if count(docs, KindVirtualService) != 0 {
					t.Errorf("a VirtualService for an HTTPS host")
				}
			},
		},
		{
			name: "the first caller of an outside host is the one whose policy differs",
			services: `services: a: {` + svc + `, dependencies: psp: {kind: "external", host: "api.psp.example.com", breaker: failures: 2}}
services: b: {` + svc + `, dependencies: psp: {kind: "external", host: "api.psp.example.com"}}
services: c: {` + svc + `, dependencies: psp: {kind: "external", host: "api.psp.example.com"}}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				host := only(t, docs, KindDestinationRule, "a.to.psp").DR
				own := only(t, docs, KindDestinationRule, "a.to.psp.from.a").DR
				if host.WorkloadSelector != nil || own.WorkloadSelector.GetMatchLabels()[conventions.LabelName] != "a" {
					t.Errorf("selectors %v, %v", host.WorkloadSelector, own.WorkloadSelector)
				}
				if got := own.TrafficPolicy.OutlierDetection.GetConsecutive_5XxErrors().GetValue(); got != 2 {
					t.Errorf("a's rule ejects after %d errors", got)
				}
			},
		},
		{
			name: "an upload without a host, and a database inside the cluster",
			services: `services: a: {` + svc + `, dependencies: {
	files: {kind: "upload"}
	pg: {kind: "database", host: "pg.data.svc.cluster.local"}
}}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				if len(docs) != 1 || docs[0].Kind != KindDestinationRule || docs[0].DR.Host != "pg.data.svc.cluster.local" {
					t.Errorf("documents %v, want pg's DestinationRule alone", docs)
				}
			},
		},
		{
			name: "one caller with two dependencies on one host and one policy",
			services: `services: a: {` + svc + `, dependencies: {"c-read": {service: "c"}, "c-list": {service: "c"}}}
services: c: {` + svc + `}`,
			check: func(t *testing.T, files []emit.File, docs []doc) {
				if got := routeNames(only(t, docs, KindVirtualService, "c").VS); len(got) != 1 {
					t.Errorf("routes %v", got)
				}
				if !strings.Contains(only(t, docs, KindDestinationRule, "c").Comment, " for a.") {
					t.Errorf("comment %q", docs[0].Comment)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := compileServices(t, tc.services)
			files := emitFiles(t, c)
			docs := parseFiles(t, files)
			checkInvariants(t, c, docs)
			checkEdges(t, c, docs)
			tc.check(t, files, docs)
		})
	}
}

// TestConflictRuleMatchesProjection holds the compiler's mesh-host-conflict
// rule to the emitter's projections: whenever the rule lets a caller reach
// one host through two dependencies, the mesh would enforce one policy for
// both, so nothing is lost by keeping the first. The rule compares the raw
// values the projections read, so it may refuse a pair the mesh would treat
// alike; the table pins which pairs it refuses.
func TestConflictRuleMatchesProjection(t *testing.T) {
	pairs := []struct {
		name, first, second string
		host                string // "" for the internal callee c
		refused             bool
	}{
		{"same", `{}`, `{}`, "", false},
		{"client jitter", `{}`, `{retry: jitter: 0.5}`, "", false},
		{"half-open calls", `{}`, `{breaker: halfOpenCalls: 9}`, "", false},
		{"bulkhead wait", `{}`, `{bulkhead: maxWait: "2s"}`, "", false},
		{"per try", `{}`, `{timeout: perTry: "1s"}`, "", true},
		{"idempotency", `{}`, `{idempotent: false}`, "", true},
		{"retries", `{}`, `{retry: maxRetries: 1}`, "", true},
		{"client owner", `{}`, `{retry: owner: "client"}`, "", true},
		{"breaker", `{}`, `{breaker: failures: 3}`, "", true},
		{"bulkhead", `{}`, `{bulkhead: maxConcurrent: 7}`, "", true},
		{"connect", `{}`, `{timeout: connect: "2s"}`, "", true},
		{"https retries", `{}`, `{retry: maxRetries: 0}`, "api.example.com", false},
		{"https per try", `{}`, `{timeout: perTry: "2s"}`, "api.example.com", false},
		{"https breaker", `{}`, `{breaker: openFor: "5s"}`, "api.example.com", true},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			decl := func(body string) string {
				if p.host == "" {
					// Declared idempotent unless the case says otherwise, so
					// that the mesh owns the retries.
					return `{service: "c", idempotent: *true | bool} & ` + body
				}
				return `{kind: "external", host: "` + p.host + `"} & ` + body
			}
			services := `services: a: {team: "web", tier: "low", image: "x/a:1", dependencies: {
	one: ` + decl(p.first) + `
	two: ` + decl(p.second) + `
}}
services: c: {team: "web", tier: "low", image: "x/c:1"}
`
			files := testFiles(services)
			c, diags := compilertest.Compile(t, compiler.Config{}, files)
			refused := false
			for _, d := range diags {
				if d.Rule == "mesh-host-conflict" {
					refused = true
				} else if d.Severity.String() == "error" {
					t.Fatalf("case does not compile: %s", d)
				}
			}
			// Rebuild the model without the rule to compare projections.
			if c == nil {
				c = compileWithout(t, files, "mesh-host-conflict")
			}
			a := c.Service("a")
			one, two := a.Dependency("one"), a.Dependency("two")
			same := routeFor(one) == routeFor(two) && poolFor(one) == poolFor(two)
			if !refused && !same {
				t.Errorf("the rule accepts dependencies the mesh would treat differently:\n%+v %+v\n%+v %+v", routeFor(one), poolFor(one), routeFor(two), poolFor(two))
			}
			if refused != p.refused {
				t.Errorf("refused = %v, want %v", refused, p.refused)
			}
		})
	}
}

func only(t *testing.T, docs []doc, kind, name string) doc {
	t.Helper()
	for _, d := range docs {
		if d.Kind == kind && d.Meta.Name == name {
			return d
		}
	}
	t.Fatalf("no %s %s among %v", kind, name, docs)
	return doc{}
}

func count(docs []doc, kind string) int {
	n := 0
	for _, d := range docs {
		if d.Kind == kind {
			n++
		}
	}
	return n
}

func routeNames(vs *networking.VirtualService) []string {
	var out []string
	for _, r := range vs.Http {
		out = append(out, r.Name)
	}
	return out
}

func paths(files []emit.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

// TestDeterministic emits twice and from a copy of testdata/mesh whose files
// are concatenated in reverse order: the bytes must not change.
func TestDeterministic(t *testing.T) {
	c := compileDir(t, filepath.Join("testdata", "mesh"))
	first := emitFiles(t, c)
	again := emitFiles(t, c)

	src, err := filepath.Glob(filepath.Join("testdata", "mesh", "*.cue"))
	if err != nil || len(src) < 2 {
		t.Fatalf("testdata/mesh: %v %v", src, err)
	}
	dir := t.TempDir()
	for i, p := range src {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Reverse the load order: the last file is loaded first.
		name := string(rune('z'-i)) + ".cue"
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reordered := emitFiles(t, compileDir(t, dir))
	for _, other := range [][]emit.File{again, reordered} {
		if len(other) != len(first) {
			t.Fatalf("%d files, then %d", len(first), len(other))
		}
		for i := range first {
			if first[i].Path != other[i].Path || !bytes.Equal(first[i].Data, other[i].Data) {
				t.Errorf("%s differs between builds", first[i].Path)
			}
		}
	}
}

// TestPolicyProjection pins the mapping of catalog values onto Envoy's where
// the two models differ.
func TestPolicyProjection(t *testing.T) {
	base := func() *catalog.Dependency {
		return &catalog.Dependency{
			Kind:       catalog.KindInternal,
			Idempotent: true,
			Timeout:    catalog.Timeouts{Connect: time.Second, PerTry: 2 * time.Second, Total: 7 * time.Second},
			Retry:      catalog.Retry{Owner: catalog.OwnerMesh, MaxRetries: 2, InitialBackoff: 100 * time.Millisecond},
			Breaker:    catalog.Breaker{Window: catalog.WindowCount, Failures: 5, Calls: 10, OpenFor: 30 * time.Second},
			Bulkhead:   catalog.Bulkhead{Isolation: catalog.IsolationSemaphore, MaxConcurrent: 30},
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(d *catalog.Dependency)
		route routePolicy
		pool  poolPolicy
	}{
		{
			name:  "mesh retries",
			edit:  func(d *catalog.Dependency) {},
			route: routePolicy{Declared: true, Timeout: 7 * time.Second, Attempts: 2, PerTry: 2 * time.Second, Backoff: 100 * time.Millisecond},
			pool:  poolPolicy{HTTP: true, Connect: time.Second, MaxConnections: 30, MaxRequests: 30, MaxPending: 1, Consecutive5xx: 5, Interval: 10 * time.Second, Ejection: 30 * time.Second},
		},
		{
			name:  "client owner: one attempt per request, retries off",
			edit:  func(d *catalog.Dependency) { d.Retry.Owner = catalog.OwnerClient },
			route: routePolicy{Declared: true, Timeout: 2 * time.Second},
		},
		{
			name:  "non-idempotent: no mesh retries whatever the owner",
			edit:  func(d *catalog.Dependency) { d.Idempotent = false },
			route: routePolicy{Declared: true, Timeout: 2 * time.Second},
		},
		{
			name: "time breaker: failures its rate allows in its minimum calls; short open time shortens the sweep",
			edit: func(d *catalog.Dependency) {
				d.Breaker = catalog.Breaker{Window: catalog.WindowTime, FailureRate: catalog.MustPercent("30"), MinCalls: 10, Period: time.Minute, OpenFor: 4 * time.Second}
			},
			pool: poolPolicy{HTTP: true, Connect: time.Second, MaxConnections: 30, MaxRequests: 30, MaxPending: 1, Consecutive5xx: 3, Interval: 4 * time.Second, Ejection: 4 * time.Second},
		},
		{
			name: "pool with a queue over TLS: connections only",
			edit: func(d *catalog.Dependency) {
				d.Kind, d.Protocol = catalog.KindExternal, "HTTPS"
				d.Bulkhead = catalog.Bulkhead{Isolation: catalog.IsolationPool, MaxConcurrent: 20, MaxQueue: 20}
			},
			pool: poolPolicy{Connect: time.Second, MaxConnections: 20, Consecutive5xx: 5, Interval: 10 * time.Second, Ejection: 30 * time.Second},
		},
		{
			name: "pool with a queue over HTTP",
			edit: func(d *catalog.Dependency) {
				d.Kind, d.Protocol = catalog.KindExternal, "HTTP"
				d.Bulkhead = catalog.Bulkhead{Isolation: catalog.IsolationPool, MaxConcurrent: 20, MaxQueue: 20}
			},
			pool: poolPolicy{HTTP: true, Connect: time.Second, MaxConnections: 20, MaxRequests: 20, MaxPending: 20, Consecutive5xx: 5, Interval: 10 * time.Second, Ejection: 30 * time.Second},
		},
		{
			name: "no isolation: unbounded",
			edit: func(d *catalog.Dependency) {
				d.Bulkhead = catalog.Bulkhead{Isolation: catalog.IsolationNone}
			},
			pool: poolPolicy{HTTP: true, Connect: time.Second, Consecutive5xx: 5, Interval: 10 * time.Second, Ejection: 30 * time.Second},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.edit(d)
			if tc.route != (routePolicy{}) {
				if got := routeFor(d); got != tc.route {
					t.Errorf("route %+v, want %+v", got, tc.route)
				}
			}
			if tc.pool != (poolPolicy{}) {
				if got := poolFor(d); got != tc.pool {
					t.Errorf("pool %+v, want %+v", got, tc.pool)
				}
			}
		})
	}
}

// TestInClusterMatchesHost keeps InCluster in step with conventions.Host: a
// catalog service's host is one the Kubernetes registry knows.
func TestInClusterMatchesHost(t *testing.T) {
	if !InCluster(conventions.Host("a", "b")) {
		t.Errorf("InCluster(%q) = false", conventions.Host("a", "b"))
	}
	if InCluster("api.example.com") || InCluster("svc.cluster.local.example.com") {
		t.Errorf("InCluster accepts an outside host")
	}
}

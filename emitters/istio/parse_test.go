package istio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	networking "istio.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/compilertest"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/emit"
)

// doc is one decoded document of an emitted file.
type doc struct {
	File    string
	Comment string
	Kind    string
	Meta    metadata
	VS      *networking.VirtualService
	DR      *networking.DestinationRule
	SE      *networking.ServiceEntry
}

func (d doc) String() string { return d.File + ": " + d.Kind + " " + d.Meta.Name }

// parseFiles decodes every document the way a consumer would, refusing
// anything unknown: the envelope strictly (unknown or duplicate keys fail),
// the spec with protojson, which rejects fields the Istio API does not have
// (YAML strictness stops at the spec, which is an open map to it).
func parseFiles(t *testing.T, files []emit.File) []doc {
	t.Helper()
	var out []doc
	for _, f := range files {
		if !strings.HasPrefix(f.Path, Dir+"/") || !strings.HasSuffix(f.Path, ".yaml") {
			t.Errorf("%s: not an istio/*.yaml path", f.Path)
		}
		if !bytes.HasPrefix(f.Data, []byte(Header+"---\n")) {
			t.Errorf("%s: does not start with the generated-file header and a document", f.Path)
		}
		// Documents are split on separator lines, as kubectl's YAML reader
		// does; the first chunk is the header comment alone.
		chunks := strings.Split(strings.TrimPrefix(string(f.Data), Header), "---\n")
		if chunks[0] != "" {
			t.Errorf("%s: text between the header and the first document: %q", f.Path, chunks[0])
		}
		if len(chunks) < 2 {
			t.Errorf("%s: no documents", f.Path)
		}
		for _, c := range chunks[1:] {
			out = append(out, parseDoc(t, f.Path, c))
		}
	}
	return out
}

func parseDoc(t *testing.T, file, text string) doc {
	t.Helper()
	comment, body, _ := strings.Cut(text, "\n")
	if !strings.HasPrefix(comment, "# ") || strings.TrimSpace(body) == "" {
		t.Fatalf("%s: document without its comment line or body: %q", file, text)
	}
	var env struct {
		APIVersion string          `json:"apiVersion"`
		Kind       string          `json:"kind"`
		Metadata   metadata        `json:"metadata"`
		Spec       json.RawMessage `json:"spec"`
	}
	if err := yaml.UnmarshalStrict([]byte(body), &env); err != nil {
		t.Fatalf("%s: %v\n%s", file, err, body)
	}
	d := doc{File: file, Comment: strings.TrimPrefix(comment, "# "), Kind: env.Kind, Meta: env.Metadata}
	if env.APIVersion != APIVersion {
		t.Errorf("%s: apiVersion %q", d, env.APIVersion)
	}
	var msg proto.Message
	switch env.Kind {
	case KindVirtualService:
		d.VS = &networking.VirtualService{}
		msg = d.VS
	case KindDestinationRule:
		d.DR = &networking.DestinationRule{}
		msg = d.DR
	case KindServiceEntry:
		d.SE = &networking.ServiceEntry{}
		msg = d.SE
	default:
		t.Fatalf("%s: unexpected kind %q", file, env.Kind)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(env.Spec, msg); err != nil {
		t.Fatalf("%s: spec: %v", d, err)
	}
	return d
}

// compileDir compiles a catalog directory and fails on any diagnostic error.
func compileDir(t *testing.T, dir string) *catalog.Catalog {
	t.Helper()
	c, diags, err := compiler.Compile(compiler.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Fatalf("compile %s: %v", dir, diags)
	}
	return c
}

// testBase is the part of inline test catalogs the emitter does not read.
const testBase = `package catalog

settings: {namespace: "shop", alerting: defaultReceiver: team: "web"}
teams: web: receivers: slack: {channel: "#web", apiURLFile: "/etc/slack"}
`

// compileServices compiles testBase plus services (CUE, without package
// clause).
func compileServices(t *testing.T, services string) *catalog.Catalog {
	t.Helper()
	return compilertest.MustCompile(t, testFiles(services))
}

// testFiles is the catalog of testBase plus services.
func testFiles(services string) map[string]string {
	return map[string]string{"base.cue": testBase, "services.cue": "package catalog\n\n" + services}
}

func emitFiles(t *testing.T, c *catalog.Catalog) []emit.File {
	t.Helper()
	files, err := Emitter{}.Emit(c)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// retryOnPolicies are the retryOn values Istio's validation accepts (besides
// HTTP status codes), from istio/istio pkg/config/validation.
var retryOnPolicies = map[string]bool{
	"5xx": true, "gateway-error": true, "reset": true, "reset-before-request": true,
	"connect-failure": true, "retriable-4xx": true, "refused-stream": true,
	"retriable-status-codes": true, "retriable-headers": true, "envoy-ratelimited": true,
	"http3-post-connect-failure": true, "cancelled": true, "deadline-exceeded": true,
	"internal": true, "resource-exhausted": true, "unavailable": true,
}

// checkInvariants checks what must hold of every output, whatever the
// catalog: the parts of Istio's own validation the objects exercise, names
// unique per kind, every routed-to subset defined wherever a caller may look
// it up, and every route's retries fitting its timeout.
func checkInvariants(t *testing.T, c *catalog.Catalog, docs []doc) {
	t.Helper()
	names := map[string]string{}
	drs := map[string][]doc{} // host → its DestinationRules
	for _, d := range docs {
		key := d.Kind + "/" + d.Meta.Name
		if prev, ok := names[key]; ok {
			t.Errorf("%s: name also used in %s", d, prev)
		}
		names[key] = d.File
		if d.Meta.Namespace != c.Settings.Namespace {
			t.Errorf("%s: namespace %q, want %q", d, d.Meta.Namespace, c.Settings.Namespace)
		}
		if d.Meta.Labels[conventions.LabelManagedBy] != conventions.ManagedBy || Path(d.Meta.Labels[conventions.LabelName]) != d.File {
			t.Errorf("%s: labels %v do not name svcgen and the file's service", d, d.Meta.Labels)
		}
		if d.DR != nil {
			drs[d.DR.Host] = append(drs[d.DR.Host], d)
		}
	}
	for _, d := range docs {
		switch {
		case d.VS != nil:
			checkVirtualService(t, d, drs)
		case d.DR != nil:
			checkDestinationRule(t, d)
		case d.SE != nil:
			checkServiceEntry(t, d)
		}
	}
}

func checkVirtualService(t *testing.T, d doc, drs map[string][]doc) {
	t.Helper()
	vs := d.VS
	if len(vs.Hosts) != 1 {
		t.Fatalf("%s: hosts %v", d, vs.Hosts)
	}
	host := vs.Hosts[0]
	if len(vs.Http) == 0 || len(vs.Tcp)+len(vs.Tls) > 0 || len(vs.Gateways) > 0 {
		t.Errorf("%s: want HTTP routes only, for sidecars only", d)
	}
	routeNames := map[string]bool{}
	for i, r := range vs.Http {
		if routeNames[r.Name] {
			t.Errorf("%s: route name %q twice", d, r.Name)
		}
		routeNames[r.Name] = true
		// The last route must catch every request, or a caller the
		// catalog does not list would get 404s.
		if last := i == len(vs.Http)-1; last != (len(r.Match) == 0) {
			t.Errorf("%s: route %s: only the last route may (and must) match everything", d, r.Name)
		}
		checkRetries(t, d, r)
		var total int32
		for _, dst := range r.Route {
			total += dst.Weight
			if dst.Destination.GetHost() != host {
				t.Errorf("%s: route %s goes to %s", d, r.Name, dst.Destination.GetHost())
			}
			if sub := dst.Destination.GetSubset(); sub != "" {
				if len(drs[host]) == 0 {
					t.Errorf("%s: route %s uses subset %s but %s has no DestinationRule", d, r.Name, sub, host)
				}
				// Whichever of the host's rules a caller's sidecar resolves,
				// it must define the subset, or the caller gets 503s.
				for _, dr := range drs[host] {
					if !hasSubset(dr.DR, sub) {
						t.Errorf("%s: route %s uses subset %s, which %s does not define", d, r.Name, sub, dr)
					}
				}
			}
		}
		if len(r.Route) > 1 && total != 100 {
			t.Errorf("%s: route %s: weights sum to %d", d, r.Name, total)
		}
		if len(r.Route) == 1 && r.Route[0].Weight != 0 {
			t.Errorf("%s: route %s: a single destination carries a weight", d, r.Name)
		}
	}
}

// checkRetries checks a route's retry policy as Istio validates it, that it
// never retries a plain 4xx, and that its worst case fits its timeout.
func checkRetries(t *testing.T, d doc, r *networking.HTTPRoute) {
	t.Helper()
	if r.Timeout != nil {
		checkDuration(t, d, "route "+r.Name+" timeout", r.Timeout.AsDuration())
	}
	rt := r.Retries
	if rt == nil {
		if r.Timeout != nil {
			t.Errorf("%s: route %s has a timeout but leaves retries to Istio's default", d, r.Name)
		}
		return
	}
	if rt.Attempts == 0 {
		if rt.PerTryTimeout != nil || rt.RetryOn != "" || rt.Backoff != nil {
			t.Errorf("%s: route %s: Istio refuses retry settings next to attempts: 0", d, r.Name)
		}
		return
	}
	for _, p := range strings.Split(rt.RetryOn, ",") {
		if code, err := strconv.Atoi(p); err == nil {
			if http.StatusText(code) == "" || code >= 400 && code < 500 && code != http.StatusTooManyRequests {
				t.Errorf("%s: route %s retries on status %d", d, r.Name, code)
			}
		} else if !retryOnPolicies[p] || p == "retriable-4xx" {
			t.Errorf("%s: route %s: retryOn %q", d, r.Name, p)
		}
	}
	if rt.PerTryTimeout == nil || r.Timeout == nil {
		t.Fatalf("%s: route %s retries without per-try and total timeouts", d, r.Name)
	}
	checkDuration(t, d, "route "+r.Name+" perTryTimeout", rt.PerTryTimeout.AsDuration())
	if rt.Backoff != nil {
		checkDuration(t, d, "route "+r.Name+" backoff", rt.Backoff.AsDuration())
	}
	retry := catalog.Retry{Owner: catalog.OwnerMesh, MaxRetries: int(rt.Attempts), InitialBackoff: rt.Backoff.AsDuration()}
	worst := time.Duration(rt.Attempts+1)*rt.PerTryTimeout.AsDuration() + retry.WorstCaseBackoff()
	if worst > r.Timeout.AsDuration() {
		t.Errorf("%s: route %s: %d tries of %s + %s backoff = %s, over its timeout %s", d, r.Name,
			rt.Attempts+1, rt.PerTryTimeout.AsDuration(), retry.WorstCaseBackoff(), worst, r.Timeout.AsDuration())
	}
}

func checkDestinationRule(t *testing.T, d doc) {
	t.Helper()
	dr := d.DR
	seen := map[string]bool{}
	for _, s := range dr.Subsets {
		if seen[s.Name] {
			t.Errorf("%s: subset %s twice", d, s.Name)
		}
		seen[s.Name] = true
		if len(s.Labels) != 1 || s.Labels[conventions.LabelVersion] != s.Name {
			t.Errorf("%s: subset %s selects %v, not the version label its Deployment sets", d, s.Name, s.Labels)
		}
	}
	if ws := dr.WorkloadSelector; ws != nil {
		if len(ws.MatchLabels) != 1 || ws.MatchLabels[conventions.LabelName] == "" {
			t.Errorf("%s: workloadSelector %v does not select one service's pods", d, ws.MatchLabels)
		}
		// Istio refuses a rule with a selector exported beyond its namespace.
		if len(dr.ExportTo) != 1 || dr.ExportTo[0] != "." {
			t.Errorf("%s: a rule with a workloadSelector must be exported to its namespace only", d)
		}
	}
	tp := dr.TrafficPolicy
	if tp == nil {
		if len(dr.Subsets) == 0 {
			t.Errorf("%s: neither a policy nor subsets", d)
		}
		return
	}
	od := tp.OutlierDetection
	if tp.ConnectionPool == nil || tp.ConnectionPool.Tcp == nil || od == nil {
		t.Fatalf("%s: policy without a pool or outlier detection", d)
	}
	if od.MaxEjectionPercent <= 0 || od.MaxEjectionPercent >= 100 {
		t.Errorf("%s: maxEjectionPercent %d", d, od.MaxEjectionPercent)
	}
	if od.GetConsecutive_5XxErrors().GetValue() == 0 {
		t.Errorf("%s: outlier detection without an error count", d)
	}
	checkDuration(t, d, "interval", od.Interval.AsDuration())
	checkDuration(t, d, "baseEjectionTime", od.BaseEjectionTime.AsDuration())
	checkDuration(t, d, "connectTimeout", tp.ConnectionPool.Tcp.ConnectTimeout.AsDuration())
	if od.Interval.AsDuration() > od.BaseEjectionTime.AsDuration() {
		t.Errorf("%s: sweep interval longer than the ejection", d)
	}
}

// checkDuration applies Istio's rule for every duration field: whole
// milliseconds, at least one.
func checkDuration(t *testing.T, d doc, what string, v time.Duration) {
	t.Helper()
	if v < time.Millisecond || v%time.Millisecond != 0 {
		t.Errorf("%s: %s is %s; Istio takes whole milliseconds, at least 1ms", d, what, v)
	}
}

func checkServiceEntry(t *testing.T, d doc) {
	t.Helper()
	se := d.SE
	if len(se.Hosts) != 1 || InCluster(se.Hosts[0]) {
		t.Errorf("%s: hosts %v", d, se.Hosts)
	}
	if se.Location != networking.ServiceEntry_MESH_EXTERNAL || se.Resolution != networking.ServiceEntry_DNS {
		t.Errorf("%s: location %s, resolution %s", d, se.Location, se.Resolution)
	}
	if len(se.Ports) != 1 || se.Ports[0].Name != portName(se.Ports[0].Protocol, int(se.Ports[0].Number)) {
		t.Errorf("%s: ports %v", d, se.Ports)
	}
}

func hasSubset(dr *networking.DestinationRule, name string) bool {
	for _, s := range dr.Subsets {
		if s.Name == name {
			return true
		}
	}
	return false
}

// resolve is Istio's choice, for a request from caller's pods to host, of
// the route (the first whose match the request satisfies) and of the
// DestinationRule (a rule selecting the caller's pods in the caller's
// namespace, else the host-level one).
func resolve(docs []doc, namespace, caller, host string, headers map[string]string) (*networking.HTTPRoute, *networking.DestinationRule, error) {
	var route *networking.HTTPRoute
	var rule, selected *networking.DestinationRule
	for _, d := range docs {
		switch {
		case d.VS != nil && d.VS.Hosts[0] == host:
			for _, r := range d.VS.Http {
				if route == nil && routeMatches(r, namespace, caller, headers) {
					route = r
				}
			}
		case d.DR != nil && d.DR.Host == host:
			if d.DR.WorkloadSelector == nil {
				rule = d.DR
			} else if d.Meta.Namespace == namespace && d.DR.WorkloadSelector.MatchLabels[conventions.LabelName] == caller {
				if selected != nil {
					return nil, nil, fmt.Errorf("two DestinationRules select %s for %s", caller, host)
				}
				selected = d.DR
			}
		}
	}
	if selected != nil {
		rule = selected
	}
	return route, rule, nil
}

func routeMatches(r *networking.HTTPRoute, namespace, caller string, headers map[string]string) bool {
	if len(r.Match) == 0 {
		return true
	}
	for _, m := range r.Match {
		ok := m.SourceNamespace == "" || m.SourceNamespace == namespace
		for k, v := range m.SourceLabels {
			ok = ok && k == conventions.LabelName && v == caller
		}
		for k, v := range m.Headers {
			ok = ok && headers[k] == v.GetExact()
		}
		if ok {
			return true
		}
	}
	return false
}

// compileWithout compiles files with every rule but id.
func compileWithout(t *testing.T, files map[string]string, id string) *catalog.Catalog {
	t.Helper()
	c, diags := compilertest.Compile(t, compiler.Config{Rules: compilertest.Without(id)}, files)
	if c == nil {
		t.Fatalf("compile without %s:\n%s", id, compilertest.Lines(diags))
	}
	return c
}

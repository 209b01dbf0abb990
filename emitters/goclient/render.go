package goclient

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
)

// renderDependencies writes dependencies.go of service s: the package doc,
// the names the runtime refers to, and per dependency its Policy function
// and constructors.
func renderDependencies(c *catalog.Catalog, s *catalog.Service) ([]byte, error) {
	g := &gen{}
	g.p(Header)
	g.p()
	g.comment(0, fmt.Sprintf("Package %s calls the dependencies of service %s with exactly the resilience "+
		"policies of the service catalog, so that the code, the mesh and the alerts cannot disagree. "+
		"svcgen generates it from the catalog: change the catalog, not this package.", PackageName(s.Name), s.Name))
	g.p("//")
	g.p("// Dependencies:")
	g.p("//")
	for _, d := range s.Dependencies {
		ctor := clientFunc(d)
		if !speaksHTTP(d) {
			ctor = guardFunc(d)
		}
		g.p("//   - ", d.Name, ": ", ctor, " (", string(d.Kind), ", ", target(c, d), ")")
	}
	g.p("//")
	g.comment(0, "Each call passes, outermost first, through the total timeout, the retry policy (only where "+
		"this client owns retries), the circuit breaker, the bulkhead and the per-try timeout, which the "+
		"runtime "+RuntimeImport+" enforces on github.com/failsafe-go/failsafe-go. With WithRegisterer the clients export "+
		conventions.ClientRequests+", "+conventions.ClientRequestDuration+", "+conventions.ClientRetries+", "+
		conventions.ClientBreakerState+", "+conventions.ClientBulkheadRejections+", "+conventions.ClientInFlight+" and, "+
		"where a bulkhead bounds the calls, "+conventions.ClientBulkheadMaxConcurrent+", with a dependency label; "+
		"the scrape target's labels name the calling service.")
	g.p("//")
	g.comment(0, fmt.Sprintf("This package needs a release of module %s that supports generated code of version %d: "+
		"v%s or later within its major version. The constants below fail to compile against any other.",
		RuntimeModule, genVersion, RuntimeModuleVersion))
	g.p("//")
	usage(g, s)
	g.p("package ", PackageName(s.Name))
	g.p()
	g.p("import (")
	if hasGuard(s) {
		g.p(`"context"`)
	}
	if hasHTTP(s) {
		g.p(`"net/http"`)
	}
	g.p(`"time"`)
	g.p()
	g.p(`"github.com/prometheus/client_golang/prometheus"`)
	g.p(strconv.Quote(RuntimeImport))
	g.p(")")
	g.p()
	g.comment(0, fmt.Sprintf("This code was generated for version %d of the runtime's generated-code API; "+
		"the runtime lists the versions it supports.", genVersion))
	g.p("const (")
	g.p("_ = resilience.EnforceVersion(", strconv.Itoa(genVersion), " - resilience.MinVersion)")
	g.p("_ = resilience.EnforceVersion(resilience.MaxVersion - ", strconv.Itoa(genVersion), ")")
	g.p(")")
	g.p()
	renderAliases(g, s)
	g.comment(0, "durationBuckets are the upper bounds, in seconds, of "+conventions.ClientRequestDuration+
		": the catalog's latency buckets, and the longest total timeout of these dependencies where it is longer.")
	var bs []string
	for _, b := range buckets(c, s) {
		bs = append(bs, strconv.FormatFloat(b, 'g', -1, 64))
	}
	g.p("var durationBuckets = []float64{", strings.Join(bs, ", "), "}")
	g.p()
	g.comment(0, "options puts the catalog's buckets before the caller's options.")
	g.p("func options(opts []Option) []Option {")
	g.p("return append([]Option{resilience.WithDurationBuckets(durationBuckets...)}, opts...)")
	g.p("}")
	for _, d := range s.Dependencies {
		g.p()
		renderDependency(g, c, s, d)
	}
	return g.layout(), nil
}

// usage writes the package documentation's examples: a client built once
// and shared, and a Guard around a function.
func usage(g *gen, s *catalog.Service) {
	pkg := PackageName(s.Name)
	var client, guard *catalog.Dependency
	for _, d := range s.Dependencies {
		if speaksHTTP(d) && client == nil {
			client = d
		}
		if !speaksHTTP(d) && guard == nil {
			guard = d
		}
	}
	if client != nil {
		g.p("// Build one client per dependency and share it:")
		g.p("//")
		g.p("//	client, err := ", pkg, ".", clientFunc(client), "(", pkg, ".WithRegisterer(prometheus.DefaultRegisterer))")
		g.p("//	req, err := http.NewRequestWithContext(ctx, http.MethodPost, \"/v1/...\", body) // relative to the dependency")
		g.p("//	req.Header.Set(\"Idempotency-Key\", key) // makes a POST safe to retry")
		g.p("//	resp, err := client.Do(req)")
		g.p("//")
	}
	if guard != nil {
		g.p("// Guard calls that do not speak HTTP, telling answers from failures:")
		g.p("//")
		g.p("//	guard, err := ", pkg, ".", guardFunc(guard), "(", pkg, ".WithExpectedErrors(func(err error) bool { return errors.Is(err, sql.ErrNoRows) }))")
		g.p("//	err = guard.Run(ctx, func(ctx context.Context) error { return db.QueryRowContext(ctx, query).Scan(&v) })")
		g.p("//")
	}
	g.comment(0, "WithBaseURL is for tests and local runs; WithTransport replaces the transport each attempt "+
		"goes through; resilience.WithClock gives tests control of time.")
}

// renderAliases writes the runtime's types and options under the package's
// own names, so that callers need not import the runtime.
func renderAliases(g *gen, s *catalog.Service) {
	alias := func(name, doc string) {
		g.comment(0, doc)
		g.p("type ", name, " = resilience.", name)
		g.p()
	}
	alias("Policy", "Policy is the resilience policy the catalog resolved for one dependency.")
	alias("Option", "Option configures a client, transport or guard.")
	alias("Error", "Error reports a call that the client's own policies ended: a timeout, an open circuit breaker or a full bulkhead.")
	if hasGuard(s) {
		alias("Guard", "Guard runs calls to a dependency that does not speak HTTP under its policy.")
	}
	g.comment(0, "WithRegisterer registers the client metrics with reg; without it the clients export none.")
	g.p("func WithRegisterer(reg prometheus.Registerer) Option {")
	g.p("return resilience.WithRegisterer(reg)")
	g.p("}")
	g.p()
	if hasHTTP(s) {
		g.comment(0, "WithBaseURL sends requests with a relative URL to base instead of the dependency's address.")
		g.p("func WithBaseURL(base string) Option {")
		g.p("return resilience.WithBaseURL(base)")
		g.p("}")
		g.p()
		g.comment(0, "WithTransport sends each attempt through rt, which then enforces the connect timeout.")
		g.p("func WithTransport(rt http.RoundTripper) Option {")
		g.p("return resilience.WithTransport(rt)")
		g.p("}")
		g.p()
	}
	if hasGuard(s) {
		g.comment(0, "WithExpectedErrors tells a Guard which errors of the guarded function are answers of a "+
			"healthy dependency: returned as they are, never retried, successes for the breaker and the metrics.")
		g.p("func WithExpectedErrors(expected func(error) bool) Option {")
		g.p("return resilience.WithExpectedErrors(expected)")
		g.p("}")
		g.p()
		g.comment(0, "Get calls fn under g's policies and returns its result.")
		g.p("func Get[R any](ctx context.Context, g *Guard, fn func(ctx context.Context) (R, error)) (R, error) {")
		g.p("return resilience.Get(ctx, g, fn)")
		g.p("}")
		g.p()
	}
}

func renderDependency(g *gen, c *catalog.Catalog, s *catalog.Service, d *catalog.Dependency) {
	g.comment(0, fmt.Sprintf("%s returns the policy of %s's calls to %s (%s, profile %s), as the catalog resolved it.",
		policyFunc(d), s.Name, d.Name, d.Kind, d.Profile))
	g.p("func ", policyFunc(d), "() Policy {")
	g.p("return Policy{")
	g.p("Caller: ", strconv.Quote(s.Name), ",")
	g.p("Dependency: ", strconv.Quote(d.Name), ",")
	g.p("Kind: ", strconv.Quote(string(d.Kind)), ",")
	g.p("Profile: ", strconv.Quote(string(d.Profile)), ",")
	g.p("Protocol: ", strconv.Quote(d.Protocol), ",")
	g.p("Address: ", strconv.Quote(address(c, d)), ",")
	if speaksHTTP(d) {
		g.p("BaseURL: ", strconv.Quote(baseURL(c, d)), ",")
	}
	g.p("Idempotent: ", strconv.FormatBool(d.Idempotent), ",")
	if d.Fallback != "" {
		g.p("Fallback: ", strconv.Quote(d.Fallback), ",")
	}
	g.p("Timeout: resilience.Timeouts{")
	g.p("Connect: ", goDuration(d.Timeout.Connect), ",")
	g.p("PerTry: ", goDuration(d.Timeout.PerTry), ",")
	g.p("Total: ", goDuration(d.Timeout.Total), ",")
	g.p("},")
	r := d.Retry
	g.p("Retry: resilience.Retry{")
	owner := "resilience.RetryByClient"
	if r.Owner == catalog.OwnerMesh {
		owner = "resilience.RetryByMesh"
	}
	g.p("Owner: ", owner, ",")
	g.p("MaxRetries: ", strconv.Itoa(r.MaxRetries), ",")
	g.p("InitialBackoff: ", goDuration(r.InitialBackoff), ",")
	g.p("MaxBackoff: ", goDuration(r.MaxBackoff), ",")
	g.p("Multiplier: ", goFloat(r.Multiplier), ",")
	g.p("Jitter: ", goFloat(r.Jitter), ",")
	g.p("},")
	b := d.Breaker
	g.p("Breaker: resilience.Breaker{")
	if b.Window == catalog.WindowTime {
		g.p("Window: resilience.TimeWindow,")
		g.p("FailureRate: ", b.FailureRate.Ratio(), ",")
		g.p("Period: ", goDuration(b.Period), ",")
		g.p("MinCalls: ", strconv.Itoa(b.MinCalls), ",")
	} else {
		g.p("Window: resilience.CountWindow,")
		g.p("Failures: ", strconv.Itoa(b.Failures), ",")
		g.p("Calls: ", strconv.Itoa(b.Calls), ",")
	}
	g.p("OpenFor: ", goDuration(b.OpenFor), ",")
	g.p("HalfOpenCalls: ", strconv.Itoa(b.HalfOpenCalls), ",")
	if b.SlowCall > 0 {
		g.p("SlowCall: ", goDuration(b.SlowCall), ",")
	}
	g.p("},")
	h := d.Bulkhead
	g.p("Bulkhead: resilience.Bulkhead{")
	switch h.Isolation {
	case catalog.IsolationNone:
		g.p("Isolation: resilience.NoIsolation,")
	case catalog.IsolationPool:
		g.p("Isolation: resilience.PoolIsolation,")
	default:
		g.p("Isolation: resilience.SemaphoreIsolation,")
	}
	if h.Isolation != catalog.IsolationNone {
		g.p("MaxConcurrent: ", strconv.Itoa(h.MaxConcurrent), ",")
		if h.Isolation == catalog.IsolationPool {
			g.p("MaxQueue: ", strconv.Itoa(h.MaxQueue), ",")
		}
		g.p("MaxWait: ", goDuration(h.MaxWait), ",")
	}
	g.p("},")
	g.p("}")
	g.p("}")
	g.p()

	lines := describe(d)
	if speaksHTTP(d) {
		g.comment(0, fmt.Sprintf("%s returns an *http.Client for %s's calls to %s at %s (requests with a "+
			"relative URL go there), with the catalog's policy:", clientFunc(d), s.Name, d.Name, baseURL(c, d)))
		g.bullets(lines)
		g.p("//")
		g.comment(0, "The client's Timeout is the total timeout, which bounds reading the response body too.")
		g.p("func ", clientFunc(d), "(opts ...Option) (*http.Client, error) {")
		g.p("return resilience.NewClient(", policyFunc(d), "(), options(opts)...)")
		g.p("}")
		g.p()
		g.comment(0, fmt.Sprintf("%s returns the http.RoundTripper of %s, for a client of your own: it bounds "+
			"each call by the total timeout up to the response headers.", transportFunc(d), clientFunc(d)))
		g.p("func ", transportFunc(d), "(opts ...Option) (http.RoundTripper, error) {")
		g.p("return resilience.NewTransport(", policyFunc(d), "(), options(opts)...)")
		g.p("}")
		return
	}
	g.comment(0, fmt.Sprintf("%s returns the Guard of %s's calls to %s at %s (%s), with the catalog's policy:",
		guardFunc(d), s.Name, d.Name, address(c, d), d.Protocol))
	g.bullets(lines)
	g.p("//")
	g.comment(0, fmt.Sprintf("The connect timeout (%s) is the driver's to enforce: configure it there from %s().Timeout.Connect.",
		catalog.FormatDuration(d.Timeout.Connect), policyFunc(d)))
	g.p("func ", guardFunc(d), "(opts ...Option) (*Guard, error) {")
	g.p("return resilience.NewGuard(", policyFunc(d), "(), options(opts)...)")
	g.p("}")
}

// describe says what a dependency's policy does, one line per policy, for
// the constructor's documentation.
func describe(d *catalog.Dependency) []string {
	ms := func(t time.Duration) string { return catalog.FormatDuration(t) }
	r := d.Retry
	perTry := ms(d.Timeout.PerTry)
	if r.Owner == catalog.OwnerMesh && r.MaxRetries > 0 {
		perTry += " (enforced by the mesh on each of its attempts)"
	}
	lines := []string{fmt.Sprintf("timeouts: connect %s, per try %s, total %s", ms(d.Timeout.Connect), perTry, ms(d.Timeout.Total))}
	backoff := fmt.Sprintf("backoff %s ×%s up to %s, ±%s%% jitter", ms(r.InitialBackoff), goFloat(r.Multiplier),
		ms(r.MaxBackoff), goFloat(r.Jitter*100))
	switch {
	case r.MaxRetries == 0:
		lines = append(lines, "retries: none")
	case r.Owner == catalog.OwnerMesh:
		lines = append(lines, fmt.Sprintf("retries: none here; the mesh retries (up to %d), and retries multiply", r.MaxRetries))
	case !speaksHTTP(d) && !d.Idempotent:
		lines = append(lines, "retries: none, because "+d.Name+" is not idempotent")
	case !speaksHTTP(d):
		lines = append(lines, fmt.Sprintf("retries: up to %d on errors other than expected ones "+
			"(WithExpectedErrors) and cancellations, %s", r.MaxRetries, backoff))
	case !d.Idempotent:
		lines = append(lines, fmt.Sprintf("retries: up to %d, only of requests with an Idempotency-Key header "+
			"(%s is not idempotent), on transport errors, per-try timeouts, 429 and 5xx but 501; %s; "+
			"a Retry-After replaces the backoff, and one longer than %s ends the retries", r.MaxRetries, d.Name, backoff, ms(r.MaxBackoff)))
	default:
		lines = append(lines, fmt.Sprintf("retries: up to %d, of GET, HEAD, PUT, DELETE and OPTIONS requests "+
			"and requests with an Idempotency-Key header, on transport errors, per-try timeouts, 429 and "+
			"5xx but 501; %s; a Retry-After replaces the backoff, and one longer than %s ends the retries",
			r.MaxRetries, backoff, ms(r.MaxBackoff)))
	}
	b := d.Breaker
	trials := fmt.Sprintf("all %d trial calls succeed", b.HalfOpenCalls)
	if b.HalfOpenCalls == 1 {
		trials = "a trial call succeeds"
	}
	breaker := fmt.Sprintf("circuit breaker: opens when %s failed, stays open %s, closes when %s",
		b.Describe(), ms(b.OpenFor), trials)
	if b.SlowCall > 0 {
		breaker += fmt.Sprintf("; calls slower than %s count as failures", ms(b.SlowCall))
	}
	lines = append(lines, breaker)
	h := d.Bulkhead
	wait := "no waiting"
	if h.MaxWait > 0 {
		wait = "waiting up to " + ms(h.MaxWait) + " for a place"
	}
	switch h.Isolation {
	case catalog.IsolationNone:
		lines = append(lines, "bulkhead: none")
	case catalog.IsolationPool:
		lines = append(lines, fmt.Sprintf("bulkhead: an own pool of %d concurrent calls and %d queued, %s", h.MaxConcurrent, h.MaxQueue, wait))
	default:
		lines = append(lines, fmt.Sprintf("bulkhead: %d concurrent calls, %s", h.MaxConcurrent, wait))
	}
	if d.Fallback != "" {
		lines = append(lines, "fallback, for the caller to implement: "+d.Fallback)
	}
	return lines
}

// buckets are the duration histogram's bounds: the catalog's latency buckets
// and, when longer than the last, the longest total timeout of s's
// dependencies, so that a call that times out lands in a finite bucket.
func buckets(c *catalog.Catalog, s *catalog.Service) []float64 {
	bs := append([]float64(nil), c.Settings.Metrics.Buckets...)
	var longest time.Duration
	for _, d := range s.Dependencies {
		longest = max(longest, d.Timeout.Total)
	}
	if len(bs) == 0 || longest.Seconds() > bs[len(bs)-1] {
		bs = append(bs, longest.Seconds())
	}
	return bs
}

// hasGuard reports whether any dependency of s gets a Guard.
func hasGuard(s *catalog.Service) bool {
	for _, d := range s.Dependencies {
		if !speaksHTTP(d) {
			return true
		}
	}
	return false
}

// hasHTTP reports whether any dependency of s gets an HTTP client.
func hasHTTP(s *catalog.Service) bool {
	for _, d := range s.Dependencies {
		if speaksHTTP(d) {
			return true
		}
	}
	return false
}

// host is the DNS name a dependency is called at.
func host(c *catalog.Catalog, d *catalog.Dependency) string {
	if d.Kind == catalog.KindInternal {
		return conventions.Host(d.Service, c.Settings.Namespace)
	}
	return d.Host
}

func address(c *catalog.Catalog, d *catalog.Dependency) string {
	return net.JoinHostPort(host(c, d), strconv.Itoa(d.Port))
}

// baseURL is the dependency's URL without a path; the port is left out where
// it is the scheme's.
func baseURL(c *catalog.Catalog, d *catalog.Dependency) string {
	scheme, port := "http", 80
	if d.Protocol == "HTTPS" {
		scheme, port = "https", 443
	}
	if d.Port == port {
		return scheme + "://" + host(c, d)
	}
	return scheme + "://" + address(c, d)
}

// target is where a dependency is called, for the package documentation.
func target(c *catalog.Catalog, d *catalog.Dependency) string {
	if speaksHTTP(d) {
		return baseURL(c, d)
	}
	return address(c, d) + " " + d.Protocol
}

// goDuration renders d as a Go expression in its largest exact unit:
// 9 * time.Second, 2500 * time.Millisecond, time.Minute.
func goDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	for _, u := range []struct {
		d    time.Duration
		name string
	}{
		{time.Hour, "time.Hour"}, {time.Minute, "time.Minute"}, {time.Second, "time.Second"},
		{time.Millisecond, "time.Millisecond"}, {time.Microsecond, "time.Microsecond"},
	} {
		if d%u.d == 0 {
			if d == u.d {
				return u.name
			}
			return strconv.FormatInt(int64(d/u.d), 10) + " * " + u.name
		}
	}
	return strconv.FormatInt(int64(d), 10)
}

func goFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// gen accumulates Go source, one unindented line at a time; layout then
// indents and aligns it as gofmt would. (go/format ran on every generated
// file was a third of a thousand-service build; the tests hold the layout
// to go/format's on the examples and on synthetic catalogs.)
type gen struct{ b bytes.Buffer }

// layout indents each line by the braces and parentheses open before it,
// and aligns runs of single-line key: value elements and const specs the
// way gofmt's tabwriter does: the keys of a run padded to the longest.
func (g *gen) layout() []byte {
	lines := strings.Split(strings.TrimSuffix(g.b.String(), "\n"), "\n")
	depth := make([]int, len(lines))
	d := 0
	for i, l := range lines {
		code := !strings.HasPrefix(l, "//")
		if code && (strings.HasPrefix(l, "}") || strings.HasPrefix(l, ")")) {
			d--
		}
		depth[i] = d
		if code && (strings.HasSuffix(l, "{") || strings.HasSuffix(l, "(")) {
			d++
		}
	}
	// Alignment runs: consecutive lines at one depth that are single-line
	// key: value elements (or name = value const specs).
	pad := make([]int, len(lines))
	for i := 0; i < len(lines); {
		k, ok := alignKey(lines[i])
		if !ok {
			i++
			continue
		}
		j, width := i, 0
		for j < len(lines) && depth[j] == depth[i] {
			kj, ok := alignKey(lines[j])
			if !ok || kj.sep != k.sep {
				break
			}
			width = max(width, len(kj.key))
			j++
		}
		for x := i; x < j; x++ {
			kx, _ := alignKey(lines[x])
			pad[x] = width - len(kx.key)
		}
		i = j
	}
	var b bytes.Buffer
	for i, l := range lines {
		if l == "" {
			b.WriteByte('\n')
			continue
		}
		for range depth[i] {
			b.WriteByte('\t')
		}
		if pad[i] > 0 {
			// "Key:" then the padding; "name" then the padding, " = ".
			k, _ := alignKey(l)
			b.WriteString(k.key)
			if k.sep == ": " {
				b.WriteString(":" + strings.Repeat(" ", pad[i]+1))
			} else {
				b.WriteString(strings.Repeat(" ", pad[i]) + " = ")
			}
			b.WriteString(l[len(k.key)+len(k.sep):])
		} else {
			b.WriteString(l)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

type aligned struct{ key, sep string }

// alignKey recognises a line gofmt aligns: "Key: value," (a single-line
// composite literal element) or "name = value" (a const spec).
func alignKey(l string) (aligned, bool) {
	if strings.HasPrefix(l, "//") || strings.HasSuffix(l, "{") {
		return aligned{}, false
	}
	i := 0
	for i < len(l) && (l[i] == '_' || l[i] >= 'a' && l[i] <= 'z' || l[i] >= 'A' && l[i] <= 'Z' || i > 0 && l[i] >= '0' && l[i] <= '9') {
		i++
	}
	if i == 0 {
		return aligned{}, false
	}
	switch {
	case strings.HasPrefix(l[i:], ": ") && strings.HasSuffix(l, ","):
		return aligned{l[:i], ": "}, true
	case strings.HasPrefix(l[i:], " = "):
		return aligned{l[:i], " = "}, true
	}
	return aligned{}, false
}

func (g *gen) p(parts ...string) {
	for _, s := range parts {
		g.b.WriteString(s)
	}
	g.b.WriteByte('\n')
}

// comment writes text as // lines of at most about 78 columns.
func (g *gen) comment(indent int, text string) {
	for _, line := range wrap(text, 76-indent) {
		g.p(strings.Repeat(" ", indent), "// ", line)
	}
}

// bullets writes a comment list, each item wrapped under its bullet.
func (g *gen) bullets(items []string) {
	g.p("//")
	for _, it := range items {
		for i, line := range wrap(it, 70) {
			if i == 0 {
				g.p("//   - ", line)
			} else {
				g.p("//     ", line)
			}
		}
	}
}

// wrap breaks text into lines of at most width bytes at spaces (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

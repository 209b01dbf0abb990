// Package otelcol_test checks svcgen's OpenTelemetry Collector target with
// the collector's own components: the generated files load and validate in
// the collector's config machinery with the real tail_sampling,
// load_balancing, filter and probabilistic_sampler factories, and
// synthetic traces and logs go through the processors as configured.
//
// A module of its own: the collector and its contrib components are far too
// heavy for svcgen's own dependencies. It reads what svcgen writes from
// golden/ (which svcgen's own tests hold byte for byte to what a build
// writes) and the resolved catalog from golden/<example>/catalog.json,
// rather than importing svcgen: svcgen's Prometheus dependency requires a
// newer collector core than contrib v0.161.0's, and this module keeps every
// collector module at v0.161.0's release (core v1.67.0 / v0.161.0).
package otelcol_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/loadbalancingexporter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/probabilisticsamplerprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/tailsamplingprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/otelcol/otelcoltest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
)

// Conventions of svcgen's otelcol target (emitters/otelcol).
const (
	serviceNameAttr  = "service.name"
	durationAttr     = "http.server.request.duration"
	loadBalancerFile = "loadbalancer.yaml"
	samplerFile      = "sampler.yaml"
	// exportDelay is what the emitter adds to the longest path.
	exportDelay = 5 * time.Second
)

var exampleNames = []string{"minimal", "shop"}

// golden is the directory of an example's generated files.
func golden(ex string) string { return filepath.Join("..", "..", "golden", ex) }

// resolved is the part of catalog.json the checks read.
type resolved struct {
	Services []struct {
		Name string `json:"name"`
		Tier string `json:"tier"`
		SLOs []struct {
			Kind      string          `json:"kind"`
			Threshold string          `json:"threshold"`
			SLI       json.RawMessage `json:"sli"`
		} `json:"slos"`
		Dependencies []struct {
			Kind    string `json:"kind"`
			Service string `json:"service"`
			Timeout struct {
				Total string `json:"total"`
			} `json:"timeout"`
		} `json:"dependencies"`
	} `json:"services"`
}

func readCatalog(t *testing.T, ex string) *resolved {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(golden(ex), "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c resolved
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// duration reads svcgen's durations ("1m30s", "2.5s", "500ms", "1d").
func duration(t *testing.T, s string) time.Duration {
	t.Helper()
	if strings.HasSuffix(s, "d") {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil {
			t.Fatal(err)
		}
		return time.Duration(n) * 24 * time.Hour
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("duration %q: %v", s, err)
	}
	return d
}

// threshold is a service's tightest latency-SLO threshold (0 for none).
func (c *resolved) threshold(t *testing.T, name string) time.Duration {
	var th time.Duration
	for _, s := range c.Services {
		if s.Name != name {
			continue
		}
		for _, o := range s.SLOs {
			if o.Kind == "latency" && len(o.SLI) == 0 { // a custom SLI has no threshold to sample by
				if d := duration(t, o.Threshold); th == 0 || d < th {
					th = d
				}
			}
		}
	}
	return th
}

// longestPath sums the total timeouts along the longest call path from
// name: computed here again from the resolved catalog.
func (c *resolved) longestPath(t *testing.T, name string, seen map[string]bool) time.Duration {
	if seen[name] {
		return 0
	}
	seen[name] = true
	defer delete(seen, name)
	var best time.Duration
	for _, s := range c.Services {
		if s.Name != name {
			continue
		}
		for _, d := range s.Dependencies {
			p := duration(t, d.Timeout.Total)
			if d.Kind == "internal" {
				p += c.longestPath(t, d.Service, seen)
			}
			best = max(best, p)
		}
	}
	return best
}

func (c *resolved) tier(name string) string {
	for _, s := range c.Services {
		if s.Name == name {
			return s.Tier
		}
	}
	return ""
}

func factories(t *testing.T) otelcol.Factories {
	t.Helper()
	var f otelcol.Factories
	var err error
	if f.Receivers, err = otelcol.MakeFactoryMap(otlpreceiver.NewFactory()); err != nil {
		t.Fatal(err)
	}
	if f.Processors, err = otelcol.MakeFactoryMap(tailsamplingprocessor.NewFactory(), filterprocessor.NewFactory(), probabilisticsamplerprocessor.NewFactory()); err != nil {
		t.Fatal(err)
	}
	if f.Exporters, err = otelcol.MakeFactoryMap(loadbalancingexporter.NewFactory(), otlpexporter.NewFactory()); err != nil {
		t.Fatal(err)
	}
	return f
}

// load writes the example's generated collector files and loads each with
// the collector's own loader and validation.
func load(t *testing.T, ex string) (c *resolved, lb, sampler *otelcol.Config) {
	t.Helper()
	c = readCatalog(t, ex)
	t.Setenv("OTELCOL_TRACES_BACKEND", "tempo.example.internal:4317")
	t.Setenv("OTELCOL_LOGS_BACKEND", "loki.example.internal:4317")
	cfgs := map[string]*otelcol.Config{}
	for _, f := range []string{loadBalancerFile, samplerFile} {
		p := filepath.Join(golden(ex), "otelcol", f)
		cfg, err := otelcoltest.LoadConfigAndValidate(p, factories(t))
		if err != nil {
			t.Fatalf("%s: the collector refuses it: %v", p, err)
		}
		cfgs[f] = cfg
	}
	return c, cfgs[loadBalancerFile], cfgs[samplerFile]
}

func TestConfigsLoad(t *testing.T) {
	for _, ex := range exampleNames {
		t.Run(ex, func(t *testing.T) {
			c, lb, sampler := load(t, ex)
			lbc, ok := lb.Exporters[component.MustNewID("load_balancing")].(*loadbalancingexporter.Config)
			if !ok {
				t.Fatalf("first tier: no load_balancing exporter: %v", lb.Exporters)
			}
			if lbc.RoutingKey != "traceID" {
				t.Errorf("first tier routes by %q, want traceID: the spans of one trace must reach one sampler", lbc.RoutingKey)
			}
			traces := lb.Service.Pipelines[mustPipeline(t, "traces")]
			if traces == nil || len(traces.Exporters) != 1 || traces.Exporters[0].Type().String() != "load_balancing" {
				t.Errorf("first tier's traces pipeline %+v does not end in the load balancer", traces)
			}
			ts := tailSampling(t, sampler)
			var longest time.Duration
			for _, s := range c.Services {
				p := c.longestPath(t, s.Name, map[string]bool{})
				longest = max(longest, p)
				if ts.DecisionWait <= p {
					t.Errorf("%s: decision_wait %v, not longer than its longest call path's timeouts %v", s.Name, ts.DecisionWait, p)
				}
			}
			if want := (longest + exportDelay + time.Second).Truncate(time.Second); ts.DecisionWait != want {
				t.Errorf("decision_wait loads as %v, want %v (longest path %v + export delay, up to a second)", ts.DecisionWait, want, longest)
			}
		})
	}
}

// mustPipeline parses a pipeline ID ("logs/kept").
func mustPipeline(t *testing.T, s string) pipeline.ID {
	t.Helper()
	var id pipeline.ID
	if err := id.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return id
}

func tailSampling(t *testing.T, cfg *otelcol.Config) *tailsamplingprocessor.Config {
	t.Helper()
	ts, ok := cfg.Processors[component.MustNewID("tail_sampling")].(*tailsamplingprocessor.Config)
	if !ok {
		t.Fatalf("second tier: no tail_sampling processor: %v", cfg.Processors)
	}
	return ts
}

// trace is one synthetic trace: a server span of service lasting dur.
type trace struct {
	id      pcommon.TraceID
	service string
	dur     time.Duration
	err     bool
	// outer, when set, is the duration of a server span of a service
	// outside the catalog in the same trace (a batch job calling it).
	outer time.Duration
}

func (tr trace) data() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr(serviceNameAttr, tr.service)
	span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetTraceID(tr.id)
	var sid pcommon.SpanID
	copy(sid[:], tr.id[8:])
	span.SetSpanID(sid)
	span.SetName("GET /")
	span.SetKind(ptrace.SpanKindServer)
	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	span.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	span.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(tr.dur)))
	if tr.err {
		span.Status().SetCode(ptrace.StatusCodeError)
	}
	if tr.outer > 0 {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr(serviceNameAttr, "batch-job")
		o := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		o.SetTraceID(tr.id)
		copy(sid[:], tr.id[:8])
		o.SetSpanID(sid)
		o.SetName("nightly")
		o.SetKind(ptrace.SpanKindServer)
		o.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		o.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(tr.outer)))
	}
	return td
}

// ids draws trace IDs from a fixed seed: the sampler hashes them, so the
// outcome is the same on every run.
func ids(seed uint64) func() pcommon.TraceID {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func() pcommon.TraceID {
		var id pcommon.TraceID
		binary.BigEndian.PutUint64(id[:8], r.Uint64())
		binary.BigEndian.PutUint64(id[8:], r.Uint64())
		return id
	}
}

// TestTailSampling feeds the generated policies synthetic traces of the
// shop's payment service (threshold 2.5s, critical tier): every error and
// every slow trace is kept, fast ones at the tier's share. Each trace is
// one batch, complete before its decision; the decision wait is shortened
// for the run (the configured one is checked by value above), and the test
// waits for the processor's own decision hooks, not for a clock.
func TestTailSampling(t *testing.T) {
	c, _, sampler := load(t, "shop")
	const svc = "payment"
	threshold := c.threshold(t, svc)
	if threshold == 0 {
		t.Fatal("payment has no latency SLO")
	}
	share := tierShare(t, tailSampling(t, sampler), c.tier(svc))
	next := ids(20)
	var traces []trace
	const errorsN, slowN, fastN, insideN = 50, 50, 20000, 200
	for range errorsN {
		traces = append(traces, trace{id: next(), service: svc, dur: 10 * time.Millisecond, err: true})
	}
	for range slowN {
		traces = append(traces, trace{id: next(), service: svc, dur: threshold + threshold/5})
	}
	for range fastN {
		traces = append(traces, trace{id: next(), service: svc, dur: threshold / 5})
	}
	// Fast requests to payment inside traces that are slow elsewhere: the
	// trace is longer than payment's threshold, payment's request is not.
	for range insideN {
		traces = append(traces, trace{id: next(), service: svc, dur: threshold / 5, outer: 2 * threshold})
	}

	cfg := tailSampling(t, sampler)
	cfg.DecisionWait = time.Second
	var mu sync.Mutex
	sampled := map[pcommon.TraceID]bool{}
	var decided sync.WaitGroup
	decided.Add(len(traces))
	cfg.Options = append(cfg.Options,
		tailsamplingprocessor.WithSampledHooks(func(_ context.Context, id pcommon.TraceID, _ *tailsamplingprocessor.TraceData) {
			mu.Lock()
			sampled[id] = true
			mu.Unlock()
			decided.Done()
		}),
		tailsamplingprocessor.WithNonSampledHooks(func(context.Context, pcommon.TraceID, *tailsamplingprocessor.TraceData) { decided.Done() }),
	)
	sink := new(consumertest.TracesSink)
	f := tailsamplingprocessor.NewFactory()
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background(), nopHost{}); err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		if err := p.ConsumeTraces(context.Background(), tr.data()); err != nil {
			t.Fatal(err)
		}
	}
	decided.Wait()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	var errKept, slowKept, fastKept, insideKept int
	for _, tr := range traces {
		if !sampled[tr.id] {
			continue
		}
		switch {
		case tr.outer > 0:
			insideKept++
		case tr.err:
			errKept++
		case tr.dur > threshold:
			slowKept++
		default:
			fastKept++
		}
	}
	if errKept != errorsN {
		t.Errorf("kept %d of %d error traces, want all", errKept, errorsN)
	}
	if slowKept != slowN {
		t.Errorf("kept %d of %d traces slower than %v, want all", slowKept, slowN, threshold)
	}
	// 20,000 draws at 1 %: 200 expected, standard deviation 14; ±30 % is
	// more than four of them (the IDs are fixed, so the count is too).
	want := share * fastN
	if got := float64(fastKept); got < want*0.7 || got > want*1.3 {
		t.Errorf("kept %d of %d fast traces, want %.0f ± 30 %%", fastKept, fastN, want)
	}
	// Kept only by the share: far fewer than all of them.
	if insideKept > insideN/10 {
		t.Errorf("kept %d of %d traces where only another service was slow: payment's slow policy must time payment's own request", insideKept, insideN)
	}
	if got := sink.SpanCount(); got != errKept+slowKept+fastKept+2*insideKept {
		t.Errorf("the next consumer got %d spans, the sampler decided to keep %d single-span and %d two-span traces", got, errKept+slowKept+fastKept, insideKept)
	}
	t.Logf("kept %d error, %d slow, %d of %d fast traces (%.2f %%), %d of %d fast inside slow", errKept, slowKept, fastKept, fastN, 100*float64(fastKept)/fastN, insideKept, insideN)
}

// TestLogs runs the first tier's two log pipelines: errors and slow
// requests through the keeping one, and the rest sampled at the tier share
// through the other (a record without a trace ID is not a request's and
// passes).
func TestLogs(t *testing.T) {
	c, lb, _ := load(t, "shop")
	const svc = "payment"
	threshold := c.threshold(t, svc)
	kept := run(t, lb, "logs/kept")
	sampledP := run(t, lb, "logs/sampled")

	next := ids(7)
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(serviceNameAttr, svc)
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	const fastN = 20000
	add := func(sev plog.SeverityNumber, dur time.Duration, withTrace bool) {
		r := recs.AppendEmpty()
		r.SetSeverityNumber(sev)
		r.Body().SetStr("request")
		r.Attributes().PutDouble(durationAttr, dur.Seconds())
		if withTrace {
			r.SetTraceID(next())
		}
	}
	for range 30 {
		add(plog.SeverityNumberError, 10*time.Millisecond, true)
	}
	for range 30 {
		add(plog.SeverityNumberInfo, threshold*2, true)
	}
	for range fastN {
		add(plog.SeverityNumberInfo, threshold/5, true)
	}
	add(plog.SeverityNumberInfo, 0, false)

	k := kept(logs)
	sm := sampledP(logs)
	var errs, slow, fast, noTrace int
	for _, out := range []plog.Logs{k, sm} {
		forEach(out, func(r plog.LogRecord) {
			d, _ := r.Attributes().Get(durationAttr)
			switch {
			case r.TraceID().IsEmpty():
				noTrace++
			case r.SeverityNumber() >= plog.SeverityNumberError:
				errs++
			case d.Double() > threshold.Seconds():
				slow++
			default:
				fast++
			}
		})
	}
	if errs != 30 || slow != 30 {
		t.Errorf("kept %d of 30 error and %d of 30 slow request logs, want all, once", errs, slow)
	}
	if noTrace != 1 {
		t.Errorf("a log without a trace ID came out %d times, want once", noTrace)
	}
	ps, ok := lb.Processors[component.MustNewIDWithName("probabilistic_sampler", "logs")].(*probabilisticsamplerprocessor.Config)
	if !ok {
		t.Fatal("no probabilistic_sampler/logs")
	}
	want := float64(ps.SamplingPercentage) / 100 * fastN
	if ps.SamplingPercentage != 1 {
		t.Errorf("success logs sampled at %v %%, want the seed's 1 %%", ps.SamplingPercentage)
	}
	if got := float64(fast); got < want*0.7 || got > want*1.3 {
		t.Errorf("kept %d of %d success logs, want %.0f ± 30 %%", fast, fastN, want)
	}
	t.Logf("kept %d error, %d slow, %d of %d success logs", errs, slow, fast, fastN)
}

func forEach(l plog.Logs, f func(plog.LogRecord)) {
	for i := 0; i < l.ResourceLogs().Len(); i++ {
		sls := l.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			rs := sls.At(j).LogRecords()
			for k := 0; k < rs.Len(); k++ {
				f(rs.At(k))
			}
		}
	}
}

// run builds a logs pipeline's processors, as configured, in front of a
// sink: a function from input to what leaves the pipeline.
func run(t *testing.T, cfg *otelcol.Config, name string) func(plog.Logs) plog.Logs {
	t.Helper()
	pl := cfg.Service.Pipelines[mustPipeline(t, name)]
	if pl == nil {
		t.Fatalf("no pipeline %s", name)
	}
	fs := factories(t).Processors
	return func(in plog.Logs) plog.Logs {
		sink := new(consumertest.LogsSink)
		var next consumer.Logs = sink
		var ps []processor.Logs
		for i := len(pl.Processors) - 1; i >= 0; i-- {
			id := pl.Processors[i]
			f := fs[id.Type()]
			set := processortest.NewNopSettings(id.Type())
			set.ID = id
			p, err := f.CreateLogs(context.Background(), set, cfg.Processors[id], next)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if err := p.Start(context.Background(), nopHost{}); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
			next = p
		}
		cp := plog.NewLogs()
		in.CopyTo(cp)
		if err := next.ConsumeLogs(context.Background(), cp); err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		out := plog.NewLogs()
		for _, l := range sink.AllLogs() {
			l.ResourceLogs().MoveAndAppendTo(out.ResourceLogs())
		}
		return out
	}
}

type nopHost struct{}

func (nopHost) GetExtensions() map[component.ID]component.Component { return nil }

// tierShare is the share of the tier's probabilistic policy, as loaded; the
// seed's 1 % for every tier.
func tierShare(t *testing.T, cfg *tailsamplingprocessor.Config, tier string) float64 {
	t.Helper()
	for _, p := range cfg.PolicyCfgs {
		if p.Name != "rest-"+tier {
			continue
		}
		for _, sp := range p.AndCfg.SubPolicyCfg {
			if sp.Type == tailsamplingprocessor.Probabilistic {
				if sp.ProbabilisticCfg.SamplingPercentage != 1 {
					t.Errorf("tier %s: %v %%, want the seed's 1 %%", tier, sp.ProbabilisticCfg.SamplingPercentage)
				}
				return sp.ProbabilisticCfg.SamplingPercentage / 100
			}
		}
	}
	t.Fatalf("no probabilistic policy for tier %s", tier)
	return 0
}

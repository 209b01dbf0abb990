package resilience_test

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/svcgen/svcgen/runtime/resilience"
)

// The metrics a client registers: exactly these names, labelled by
// dependency (never by service: the scrape target names the caller), with
// every outcome and state series present from the start, and the bulkhead's
// size only where a bulkhead exists.
func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	buckets := []float64{0.1, 1, 19}
	bounded, unbounded := payPolicy(), mailPolicy()
	must[*http.Client](t)(resilience.NewClient(bounded, resilience.WithRegisterer(reg), resilience.WithDurationBuckets(buckets...)))
	must[*http.Client](t)(resilience.NewClient(unbounded, resilience.WithRegisterer(reg), resilience.WithDurationBuckets(buckets...)))
	guarded := dbPolicy()
	must[*resilience.Guard](t)(resilience.NewGuard(guarded, resilience.WithRegisterer(reg), resilience.WithDurationBuckets(buckets...)))
	deps := []string{bounded.Dependency, unbounded.Dependency, guarded.Dependency}

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		typ    dto.MetricType
		labels []string
		deps   []string
	}{
		resilience.MetricRequests:              {dto.MetricType_COUNTER, []string{resilience.LabelDependency, resilience.LabelOutcome}, deps},
		resilience.MetricRequestDuration:       {dto.MetricType_HISTOGRAM, []string{resilience.LabelDependency}, deps},
		resilience.MetricRetries:               {dto.MetricType_COUNTER, []string{resilience.LabelDependency}, deps},
		resilience.MetricBreakerState:          {dto.MetricType_GAUGE, []string{resilience.LabelDependency, resilience.LabelState}, deps},
		resilience.MetricBulkheadRejections:    {dto.MetricType_COUNTER, []string{resilience.LabelDependency}, deps},
		resilience.MetricInFlight:              {dto.MetricType_GAUGE, []string{resilience.LabelDependency}, deps},
		resilience.MetricBulkheadMaxConcurrent: {dto.MetricType_GAUGE, []string{resilience.LabelDependency}, []string{bounded.Dependency, guarded.Dependency}},
	}
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
		w, ok := want[mf.GetName()]
		if !ok {
			t.Errorf("unexpected metric %s", mf.GetName())
			continue
		}
		if mf.GetType() != w.typ {
			t.Errorf("%s is a %s, want a %s", mf.GetName(), mf.GetType(), w.typ)
		}
		var seen []string
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName())
				if lp.GetName() == resilience.LabelDependency && !slices.Contains(seen, lp.GetValue()) {
					seen = append(seen, lp.GetValue())
				}
			}
			if !slices.Equal(labels, w.labels) {
				t.Errorf("%s has labels %v, want %v", mf.GetName(), labels, w.labels)
			}
			if h := m.GetHistogram(); h != nil {
				var bounds []float64
				for _, b := range h.GetBucket() {
					bounds = append(bounds, b.GetUpperBound())
				}
				if !slices.Equal(bounds, buckets) {
					t.Errorf("%s buckets %v, want %v", mf.GetName(), bounds, buckets)
				}
			}
		}
		sort.Strings(seen)
		wd := slices.Sorted(slices.Values(w.deps))
		if !slices.Equal(seen, wd) {
			t.Errorf("%s has series for %v, want %v", mf.GetName(), seen, wd)
		}
	}
	var wantNames []string
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Errorf("registered %v, want %v", names, wantNames)
	}
	for _, d := range deps {
		for _, o := range []string{resilience.OutcomeSuccess, resilience.OutcomeError, resilience.OutcomeTimeout,
			resilience.OutcomeBreakerOpen, resilience.OutcomeBulkheadFull, resilience.OutcomeCanceled} {
			if got := outcomes(t, reg, d, o); got != 0 {
				t.Errorf("%s{%s} = %v before any call, want 0", d, o, got)
			}
		}
		if got := breakerState(t, reg, d); got != resilience.StateClosed {
			t.Errorf("breaker of %s starts %s, want closed", d, got)
		}
		if got := inFlight(t, reg, d); got != 0 {
			t.Errorf("%s of %s starts at %v, want 0", resilience.MetricInFlight, d, got)
		}
	}
	if got := metricValue(t, reg, resilience.MetricBulkheadMaxConcurrent, map[string]string{resilience.LabelDependency: bounded.Dependency}); got != float64(bounded.Bulkhead.MaxConcurrent) {
		t.Errorf("%s{%s} = %v, want %d", resilience.MetricBulkheadMaxConcurrent, bounded.Dependency, got, bounded.Bulkhead.MaxConcurrent)
	}
}

// Clients of one dependency cannot share a registerer (their breaker states
// would collide); without a registerer a client registers nothing; options
// refuse what they cannot use.
func TestOptions(t *testing.T) {
	p := payPolicy()
	reg := prometheus.NewRegistry()
	must[*http.Client](t)(resilience.NewClient(p, resilience.WithRegisterer(reg)))
	if _, err := resilience.NewClient(p, resilience.WithRegisterer(reg)); err == nil {
		t.Error("a second client of payment registered its breaker state beside the first's")
	}
	must[*http.Client](t)(resilience.NewClient(p))
	for name, opt := range map[string]resilience.Option{
		"a nil registerer":             resilience.WithRegisterer(nil),
		"a nil transport":              resilience.WithTransport(nil),
		"a nil clock":                  resilience.WithClock(nil),
		"a nil expected-errors func":   resilience.WithExpectedErrors(nil),
		"a relative base URL":          resilience.WithBaseURL("/relative"),
		"a base URL of another scheme": resilience.WithBaseURL("ftp://files.example.com"),
		"a base URL that is no URL":    resilience.WithBaseURL("http://[::1"),
		"no buckets":                   resilience.WithDurationBuckets(),
		"buckets out of order":         resilience.WithDurationBuckets(1, 0.5),
	} {
		if _, err := resilience.NewClient(p, opt); err == nil {
			t.Errorf("NewClient accepted %s", name)
		}
		if _, err := resilience.NewTransport(p, opt); err == nil {
			t.Errorf("NewTransport accepted %s", name)
		}
		if _, err := resilience.NewGuard(dbPolicy(), opt); err == nil {
			t.Errorf("NewGuard accepted %s", name)
		}
	}
	bad := p
	bad.BaseURL = "http://[::1"
	if _, err := resilience.NewTransport(bad); err == nil {
		t.Error("a policy whose base URL is no URL was accepted")
	}
}

// roundTripFunc is an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// WithTransport sends every attempt, resolved against the base URL, through
// the given transport.
func TestWithTransport(t *testing.T) {
	p := mailPolicy()
	var urls []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		urls = append(urls, r.URL.String())
		if len(urls) == 1 {
			return nil, errors.New("read tcp: connection reset by peer")
		}
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: r}, nil
	})
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithTransport(rt), resilience.WithClock(newClock())))
	if code, err := call(t, c, http.MethodGet, "/v1/messages?x=1", ""); err != nil || code != http.StatusNoContent {
		t.Fatalf("got %d, %v", code, err)
	}
	want := []string{p.BaseURL + "/v1/messages?x=1", p.BaseURL + "/v1/messages?x=1"}
	if !slices.Equal(urls, want) {
		t.Errorf("attempts went to %v, want %v", urls, want)
	}
}

package goclient_test

import (
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/golden/shop/go/payment"
)

// The metrics the generated package registers are exactly those of
// catalog/names.go, labelled by dependency (never by service: the scrape
// target names the caller), with every outcome and state series present
// from the start.
func TestMetricsMatchCatalogNames(t *testing.T) {
	c := examples.Compile(t, "shop")
	svc := c.Service("payment")
	reg := prometheus.NewRegistry()
	var deps []string
	for _, d := range svc.Dependencies {
		deps = append(deps, d.Name)
	}
	must[*http.Client](t)(payment.NewNotificationClient(payment.WithRegisterer(reg)))
	must[*http.Client](t)(payment.NewPgGatewayClient(payment.WithRegisterer(reg)))
	must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithRegisterer(reg)))

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		typ    dto.MetricType
		labels []string
	}{
		catalog.ClientRequests:           {dto.MetricType_COUNTER, []string{catalog.ClientLabelDependency, catalog.ClientLabelOutcome}},
		catalog.ClientRequestDuration:    {dto.MetricType_HISTOGRAM, []string{catalog.ClientLabelDependency}},
		catalog.ClientRetries:            {dto.MetricType_COUNTER, []string{catalog.ClientLabelDependency}},
		catalog.ClientBreakerState:       {dto.MetricType_GAUGE, []string{catalog.ClientLabelDependency, catalog.ClientLabelState}},
		catalog.ClientBulkheadRejections: {dto.MetricType_COUNTER, []string{catalog.ClientLabelDependency}},
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
		seen := map[string]bool{}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName())
				if lp.GetName() == catalog.ClientLabelDependency {
					seen[lp.GetValue()] = true
				}
			}
			sort.Strings(labels)
			wl := append([]string(nil), w.labels...)
			sort.Strings(wl)
			if !slices.Equal(labels, wl) {
				t.Errorf("%s has labels %v, want %v", mf.GetName(), labels, wl)
			}
			if h := m.GetHistogram(); h != nil {
				var bounds []float64
				for _, b := range h.GetBucket() {
					bounds = append(bounds, b.GetUpperBound())
				}
				// payment's longest total timeout (10s) is the catalog's
				// last bucket already.
				if longestTotal(svc).Seconds() != c.Settings.Metrics.Buckets[len(c.Settings.Metrics.Buckets)-1] {
					t.Fatalf("payment's longest total timeout is %s; the test expects the last bucket", longestTotal(svc))
				}
				if !slices.Equal(bounds, c.Settings.Metrics.Buckets) {
					t.Errorf("%s buckets %v, want the catalog's %v", mf.GetName(), bounds, c.Settings.Metrics.Buckets)
				}
			}
		}
		for _, d := range deps {
			if !seen[d] {
				t.Errorf("%s has no series for dependency %s", mf.GetName(), d)
			}
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
		for _, o := range catalog.ClientOutcomes {
			if got := outcomes(t, reg, d, o); got != 0 {
				t.Errorf("%s{%s} = %v before any call, want 0", d, o, got)
			}
		}
		if got := breakerState(t, reg, d); got != catalog.ClientStateClosed {
			t.Errorf("breaker of %s starts %s, want closed", d, got)
		}
	}
}

func longestTotal(s *catalog.Service) (d time.Duration) {
	for _, dep := range s.Dependencies {
		d = max(d, dep.Timeout.Total)
	}
	return d
}

// Clients of one dependency cannot share a registerer (their breaker states
// would collide); without a registerer a client registers nothing.
func TestMetricsRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	must[*http.Client](t)(payment.NewPgGatewayClient(payment.WithRegisterer(reg)))
	if _, err := payment.NewPgGatewayClient(payment.WithRegisterer(reg)); err == nil {
		t.Error("a second client of pg-gateway registered its breaker state beside the first's")
	}
	must[*http.Client](t)(payment.NewPgGatewayClient())
	if _, err := payment.NewPgGatewayClient(payment.WithRegisterer(nil)); err == nil {
		t.Error("a nil registerer was accepted")
	}
	if _, err := payment.NewPgGatewayClient(payment.WithTimeScale(0)); err == nil {
		t.Error("a zero time scale was accepted")
	}
	if _, err := payment.NewPgGatewayClient(payment.WithBaseURL("/relative")); err == nil {
		t.Error("a relative base URL was accepted")
	}
}

// Tests of the generated Go packages against the runtime they import: the
// packages compile (the version check included), carry the catalog's
// policies into the runtime, and keep the API callers build on. The
// runtime's own behaviour tests live beside it, in ../runtime.
package golden_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/golden/shop/go/order"
	"github.com/svcgen/svcgen/golden/shop/go/payment"
	"github.com/svcgen/svcgen/runtime/resilience"
	"github.com/svcgen/svcgen/runtime/resilience/resiliencetest"
)

// server answers every request with the status code it holds and counts
// the requests, by Idempotency-Key.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	keys   []string
}

func newServer(t *testing.T, status int) *server {
	s := &server{status: status}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
		code := s.status
		s.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.keys)
}

func post(c *http.Client, key string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, "/charges", bytes.NewReader([]byte(`{"amount":100}`)))
	if err != nil {
		return 0, err
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// order → payment, as the catalog declares it: not idempotent, so a POST is
// retried (once) only with an Idempotency-Key, after the declared backoff;
// the breaker opens after the declared failures and half-opens after the
// declared open time.
func TestOrderCallsPaymentWithTheCatalogsPolicy(t *testing.T) {
	p := order.PaymentPolicy()
	if p.Idempotent || p.Retry.ClientRetries() != 1 || p.Breaker.Window != resilience.CountWindow {
		t.Fatalf("order → payment is %+v; the test expects a non-idempotent dependency with one client retry and a count breaker", p)
	}
	clock := resiliencetest.NewClock(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
	srv := newServer(t, http.StatusServiceUnavailable)
	reg := prometheus.NewRegistry()
	c, err := order.NewPaymentClient(order.WithBaseURL(srv.URL), order.WithRegisterer(reg), resilience.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}

	// With a key: the retry waits the first backoff, within its jitter.
	done := make(chan error, 1)
	go func() {
		code, err := post(c, "charge-1")
		if err == nil && code != http.StatusServiceUnavailable {
			err = errors.New(http.StatusText(code))
		}
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // ends a test that failed
	defer cancel()
	lo := time.Duration(float64(p.Retry.Backoff(0)) * (1 - p.Retry.Jitter))
	hi := time.Duration(float64(p.Retry.Backoff(0)) * (1 + p.Retry.Jitter))
	d, err := clock.WaitForTimer(ctx, func(d time.Duration) bool { return d <= p.Retry.MaxBackoff })
	if err != nil {
		t.Fatalf("no backoff before the retry (timers %v)", clock.Timers())
	}
	if d < lo || d > hi {
		t.Errorf("backoff %s, want within [%s, %s]", d, lo, hi)
	}
	clock.Advance(d)
	if err := <-done; err != nil {
		t.Fatalf("POST with a key: %v, want the last 503", err)
	}
	if got := srv.seen(); !slices.Equal(got, []string{"charge-1", "charge-1"}) {
		t.Fatalf("server saw %q, want the attempt and its one retry", got)
	}

	// Without a key: one attempt per call; the breaker opens after the
	// declared failures (counting the two above) and refuses.
	for range p.Breaker.Failures - 2 {
		if code, err := post(c, ""); err != nil || code != http.StatusServiceUnavailable {
			t.Fatalf("POST: %d, %v", code, err)
		}
	}
	if n := len(srv.seen()); n != p.Breaker.Failures {
		t.Fatalf("server saw %d attempts, want %d", n, p.Breaker.Failures)
	}
	if _, err := post(c, ""); !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Fatalf("after %d failures: %v, want circuitbreaker.ErrOpen", p.Breaker.Failures, err)
	}
	var pe *order.Error
	if _, err := post(c, ""); !errors.As(err, &pe) || pe.Outcome != resilience.OutcomeBreakerOpen {
		t.Fatalf("an open breaker's error: %v, want an *order.Error with outcome breaker_open", err)
	}
	clock.Advance(p.Breaker.OpenFor)
	srv.mu.Lock()
	srv.status = http.StatusOK
	srv.mu.Unlock()
	if code, err := post(c, ""); err != nil || code != http.StatusOK {
		t.Fatalf("trial call after the open time: %d, %v", code, err)
	}
}

// payment's packages pass the catalog's histogram buckets to the runtime,
// and its database Guard the catalog's bulkhead.
func TestPaymentMetricsAndGuard(t *testing.T) {
	reg := prometheus.NewRegistry()
	g, err := payment.NewPaymentsDBGuard(payment.WithRegisterer(reg),
		payment.WithExpectedErrors(func(err error) bool { return errors.Is(err, sql.ErrNoRows) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := payment.NewPgGatewayClient(payment.WithRegisterer(reg), payment.WithTransport(http.DefaultTransport)); err != nil {
		t.Fatal(err)
	}
	v, err := payment.Get(context.Background(), g, func(context.Context) (int, error) { return 42, nil })
	if err != nil || v != 42 {
		t.Fatalf("Get = %d, %v", v, err)
	}
	if err := g.Run(context.Background(), func(context.Context) error { return sql.ErrNoRows }); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("expected error: %v", err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	// The shop catalog's latency buckets; its longest total timeout of
	// payment's dependencies (10s) is the last already.
	wantBuckets := []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10}
	found := map[string]bool{}
	for _, mf := range mfs {
		found[mf.GetName()] = true
		for _, m := range mf.GetMetric() {
			if h := m.GetHistogram(); h != nil {
				var bounds []float64
				for _, b := range h.GetBucket() {
					bounds = append(bounds, b.GetUpperBound())
				}
				if !slices.Equal(bounds, wantBuckets) {
					t.Errorf("%s buckets %v, want %v", mf.GetName(), bounds, wantBuckets)
				}
			}
			if mf.GetName() == resilience.MetricBulkheadMaxConcurrent {
				for _, lp := range m.GetLabel() {
					if lp.GetValue() == "payments-db" && m.GetGauge().GetValue() != float64(payment.PaymentsDBPolicy().Bulkhead.MaxConcurrent) {
						t.Errorf("%s{payments-db} = %v, want %d", mf.GetName(), m.GetGauge().GetValue(), payment.PaymentsDBPolicy().Bulkhead.MaxConcurrent)
					}
				}
			}
		}
	}
	for _, name := range []string{resilience.MetricRequests, resilience.MetricRequestDuration, resilience.MetricInFlight, resilience.MetricBulkheadMaxConcurrent} {
		if !found[name] {
			t.Errorf("no %s registered", name)
		}
	}
}

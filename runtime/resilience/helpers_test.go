package resilience_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/svcgen/svcgen/runtime/resilience"
	"github.com/svcgen/svcgen/runtime/resilience/resiliencetest"
)

// The policies of the tests. Every duration a test does not examine is far
// beyond anything a test waits for, and waits on the test's clock, which
// moves only when the test advances it: no assertion depends on how fast
// the machine is. (The connect timeout alone is the dialer's, on the wall
// clock: a minute, on loopback.)

// mailPolicy is idempotent, retried by the client 3 times without backoff,
// unbounded, and its breaker never opens.
func mailPolicy() resilience.Policy {
	return resilience.Policy{
		Caller: "notification", Dependency: "mail-provider", Kind: "external", Profile: "external",
		Protocol: "HTTPS", Address: "mail.example.com:443", BaseURL: "https://mail.example.com", Idempotent: true,
		Timeout: resilience.Timeouts{Connect: time.Minute, PerTry: time.Hour, Total: 2 * time.Hour},
		Retry: resilience.Retry{Owner: resilience.RetryByClient, MaxRetries: 3,
			InitialBackoff: 0, MaxBackoff: 30 * time.Second, Multiplier: 2, Jitter: 0.2},
		Breaker:  resilience.Breaker{Window: resilience.CountWindow, Failures: 1000, Calls: 1000, OpenFor: time.Hour, HalfOpenCalls: 1},
		Bulkhead: resilience.Bulkhead{Isolation: resilience.NoIsolation},
	}
}

// payPolicy is not idempotent: 1 retry, only with an Idempotency-Key; a
// count breaker of 5 failures in 10 calls, open 30s, 3 trial calls.
func payPolicy() resilience.Policy {
	return resilience.Policy{
		Caller: "order", Dependency: "payment", Kind: "internal", Profile: "core",
		Protocol: "HTTP", Address: "payment:8080", BaseURL: "http://payment:8080", Idempotent: false,
		Timeout: resilience.Timeouts{Connect: time.Minute, PerTry: time.Hour, Total: 2 * time.Hour},
		Retry: resilience.Retry{Owner: resilience.RetryByClient, MaxRetries: 1,
			InitialBackoff: 0, MaxBackoff: 5 * time.Second, Multiplier: 2, Jitter: 0.2},
		Breaker:  resilience.Breaker{Window: resilience.CountWindow, Failures: 5, Calls: 10, OpenFor: 30 * time.Second, HalfOpenCalls: 3},
		Bulkhead: resilience.Bulkhead{Isolation: resilience.SemaphoreIsolation, MaxConcurrent: 450},
	}
}

// authPolicy leaves retries to the mesh.
func authPolicy() resilience.Policy {
	p := payPolicy()
	p.Caller, p.Dependency, p.Idempotent = "api-gateway", "auth", true
	p.Retry.Owner, p.Retry.MaxRetries = resilience.RetryByMesh, 2
	return p
}

// dbPolicy is a database behind a Guard: idempotent, 3 retries, a count
// breaker of 5 in 10, a semaphore of 3 that waits up to 100ms.
func dbPolicy() resilience.Policy {
	return resilience.Policy{
		Caller: "payment", Dependency: "payments-db", Kind: "database", Profile: "core",
		Protocol: "TCP", Address: "payments-db:5432", Idempotent: true,
		Timeout: resilience.Timeouts{Connect: time.Minute, PerTry: time.Hour, Total: 2 * time.Hour},
		Retry: resilience.Retry{Owner: resilience.RetryByClient, MaxRetries: 3,
			InitialBackoff: 0, MaxBackoff: 5 * time.Second, Multiplier: 2, Jitter: 0.2},
		Breaker:  resilience.Breaker{Window: resilience.CountWindow, Failures: 5, Calls: 10, OpenFor: 30 * time.Second, HalfOpenCalls: 3},
		Bulkhead: resilience.Bulkhead{Isolation: resilience.SemaphoreIsolation, MaxConcurrent: 3, MaxWait: 100 * time.Millisecond},
	}
}

func newClock() *resiliencetest.Clock {
	return resiliencetest.NewClock(time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))
}

// waitForTimer waits until clock has a pending timer that match accepts and
// returns its duration. The wall-clock limit only ends a test that failed.
func waitForTimer(t *testing.T, clock *resiliencetest.Clock, what string, match func(time.Duration) bool) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := clock.WaitForTimer(ctx, match)
	if err != nil {
		t.Fatalf("no timer for %s (pending: %v)", what, clock.Timers())
	}
	return d
}

func exactly(want time.Duration) func(time.Duration) bool {
	return func(d time.Duration) bool { return d == want }
}

// faultServer is an httptest server whose handler the test swaps to inject
// faults; it records every attempt that reaches it.
type faultServer struct {
	*httptest.Server
	mu       sync.Mutex
	handler  func(w http.ResponseWriter, r *http.Request, attempt int)
	attempts []attempt
	arrived  chan struct{} // receives once per attempt, when buffered
}

type attempt struct {
	method string
	key    string
}

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	s := &faultServer{arrived: make(chan struct{}, 1000)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.attempts = append(s.attempts, attempt{method: r.Method, key: r.Header.Get("Idempotency-Key")})
		n, h := len(s.attempts), s.handler
		s.mu.Unlock()
		s.arrived <- struct{}{}
		_, _ = io.Copy(io.Discard, r.Body)
		if h == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// serve replaces the handler and forgets the attempts seen so far.
func (s *faultServer) serve(h func(w http.ResponseWriter, r *http.Request, attempt int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handler = h
	s.attempts = nil
	for len(s.arrived) > 0 {
		<-s.arrived
	}
}

func (s *faultServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

func (s *faultServer) seen() []attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]attempt(nil), s.attempts...)
}

// await waits until n more attempts arrived.
func (s *faultServer) await(t *testing.T, n int) {
	t.Helper()
	limit := time.NewTimer(time.Minute) // ends a test that failed
	defer limit.Stop()
	for range n {
		select {
		case <-s.arrived:
		case <-limit.C:
			t.Fatalf("the server saw %d attempts, and no more arrived", s.count())
		}
	}
}

// status answers every attempt with code.
func status(code int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(code) }
}

// hang holds the attempt until the client gives up on it.
func hang(_ http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() }

// call sends one request through c and returns the status, or 0 and the
// error. It reads and closes the body.
func call(t *testing.T, c *http.Client, method, path, idempotencyKey string) (int, error) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = bytes.NewReader([]byte(`{"amount":100}`))
	}
	req, err := http.NewRequest(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

type result struct {
	code int
	err  error
}

// start sends a call in the background.
func start(t *testing.T, c *http.Client, method, path, key string) <-chan result {
	done := make(chan result, 1)
	go func() {
		code, err := call(t, c, method, path, key)
		done <- result{code, err}
	}()
	return done
}

// returned reports whether the call has returned, without waiting.
func returned(done <-chan result) bool { return len(done) > 0 }

// wait returns the call's result; the wall-clock limit only ends a test that
// failed.
func wait(t *testing.T, done <-chan result) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(time.Minute):
		t.Fatal("the call did not return")
		return result{}
	}
}

// must fails the test on a constructor's error.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// eventually polls cond until it holds; the wall-clock limit only ends a
// test that failed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// metricValue reads one series of a registry: a counter's or gauge's value,
// a histogram's count.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	m := series(t, reg, name, labels)
	if m == nil {
		t.Fatalf("no series %s%v", name, labels)
	}
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

func series(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, labels) {
				return m
			}
		}
	}
	return nil
}

// durationSum is the sum of the call durations of dependency, in seconds.
func durationSum(t *testing.T, reg *prometheus.Registry, dependency string) float64 {
	t.Helper()
	m := series(t, reg, resilience.MetricRequestDuration, map[string]string{resilience.LabelDependency: dependency})
	if m == nil {
		t.Fatalf("no durations of %s", dependency)
	}
	return m.GetHistogram().GetSampleSum()
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := labels[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(labels)
}

// breakerState returns the state whose gauge is 1, from one scrape.
func breakerState(t *testing.T, reg *prometheus.Registry, dependency string) string {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, mf := range mfs {
		if mf.GetName() != resilience.MetricBreakerState {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, map[string]string{resilience.LabelDependency: dependency}) && m.GetGauge().GetValue() == 1 {
				for _, lp := range m.GetLabel() {
					if lp.GetName() == resilience.LabelState {
						on = append(on, lp.GetValue())
					}
				}
			}
		}
	}
	if len(on) != 1 {
		t.Fatalf("breaker of %s: states at 1: %v, want exactly one", dependency, on)
	}
	return on[0]
}

func outcomes(t *testing.T, reg *prometheus.Registry, dependency, outcome string) float64 {
	t.Helper()
	return metricValue(t, reg, resilience.MetricRequests, map[string]string{
		resilience.LabelDependency: dependency, resilience.LabelOutcome: outcome,
	})
}

func inFlight(t *testing.T, reg *prometheus.Registry, dependency string) float64 {
	t.Helper()
	return metricValue(t, reg, resilience.MetricInFlight, map[string]string{resilience.LabelDependency: dependency})
}

package goclient_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/svcgen/svcgen/catalog"
)

// faultServer is an httptest server whose handler the test swaps to inject
// faults; it records every attempt that reaches it.
type faultServer struct {
	*httptest.Server
	mu       sync.Mutex
	handler  func(w http.ResponseWriter, r *http.Request, attempt int)
	attempts []attempt
}

type attempt struct {
	at     time.Time
	method string
	key    string
}

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	s := &faultServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.attempts = append(s.attempts, attempt{at: time.Now(), method: r.Method, key: r.Header.Get("Idempotency-Key")})
		n, h := len(s.attempts), s.handler
		s.mu.Unlock()
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

// status answers every attempt with code.
func status(code int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(code) }
}

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

// eventually polls cond every millisecond until it holds, giving up after
// five seconds (on a loaded machine; it returns as soon as cond holds).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// gauge and counter read one series of a registry.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
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
				switch {
				case m.Counter != nil:
					return m.GetCounter().GetValue()
				case m.Gauge != nil:
					return m.GetGauge().GetValue()
				case m.Histogram != nil:
					return float64(m.GetHistogram().GetSampleCount())
				}
			}
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
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
		if mf.GetName() != catalog.ClientBreakerState {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, map[string]string{catalog.ClientLabelDependency: dependency}) && m.GetGauge().GetValue() == 1 {
				for _, lp := range m.GetLabel() {
					if lp.GetName() == catalog.ClientLabelState {
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
	return metricValue(t, reg, catalog.ClientRequests, map[string]string{
		catalog.ClientLabelDependency: dependency, catalog.ClientLabelOutcome: outcome,
	})
}

func joinErr(errs []error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "; ")
}

package resilience_test

import (
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/resilience"
)

// mail-provider is idempotent and retried by the client (3 retries);
// payment is not idempotent (1 retry, only with an Idempotency-Key); auth
// leaves retries to the mesh. The backoff is zero: these cases count
// attempts, TestRetryBackoff times them.
func TestRetries(t *testing.T) {
	mail, pay, auth := mailPolicy(), payPolicy(), authPolicy()
	retryAfter := func(code int, secs int) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			w.WriteHeader(code)
		}
	}
	thenOK := func(first func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				first(w, r, n)
				return
			}
			w.WriteHeader(http.StatusOK)
		}
	}
	reset := func(w http.ResponseWriter, _ *http.Request, _ int) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	}

	for _, tc := range []struct {
		name     string
		policy   resilience.Policy
		method   string
		key      string
		handler  func(http.ResponseWriter, *http.Request, int)
		attempts int
		status   int // 0: a transport error
	}{
		{name: "GET 503 is retried up to the declared count", policy: mail, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1 + mail.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "GET 429 is retried", policy: mail, method: http.MethodGet,
			handler: thenOK(status(http.StatusTooManyRequests)), attempts: 2, status: http.StatusOK},
		{name: "GET 502 is retried", policy: mail, method: http.MethodGet,
			handler: thenOK(status(http.StatusBadGateway)), attempts: 2, status: http.StatusOK},
		{name: "a reset connection is retried", policy: mail, method: http.MethodGet,
			handler: thenOK(reset), attempts: 2, status: http.StatusOK},
		{name: "GET 404 is not retried", policy: mail, method: http.MethodGet,
			handler: status(http.StatusNotFound), attempts: 1, status: http.StatusNotFound},
		{name: "GET 400 is not retried", policy: mail, method: http.MethodGet,
			handler: status(http.StatusBadRequest), attempts: 1, status: http.StatusBadRequest},
		{name: "GET 501 is not retried", policy: mail, method: http.MethodGet,
			handler: status(http.StatusNotImplemented), attempts: 1, status: http.StatusNotImplemented},
		{name: "PUT 503 is retried", policy: mail, method: http.MethodPut,
			handler: thenOK(status(http.StatusServiceUnavailable)), attempts: 2, status: http.StatusOK},
		{name: "POST without an Idempotency-Key is never retried", policy: mail, method: http.MethodPost,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "POST with an Idempotency-Key is retried", policy: mail, method: http.MethodPost, key: "mail-1",
			handler: status(http.StatusServiceUnavailable), attempts: 1 + mail.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "a reset POST without an Idempotency-Key is never retried", policy: mail, method: http.MethodPost,
			handler: reset, attempts: 1},
		{name: "a Retry-After beyond the longest backoff is not waited for", policy: mail, method: http.MethodGet,
			handler: retryAfter(http.StatusServiceUnavailable, int(mail.Retry.MaxBackoff/time.Second)+1), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: POST without an Idempotency-Key is never retried", policy: pay, method: http.MethodPost,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: POST with an Idempotency-Key is retried", policy: pay, method: http.MethodPost, key: "charge-1",
			handler: status(http.StatusServiceUnavailable), attempts: 1 + pay.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: GET without an Idempotency-Key is never retried", policy: pay, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "mesh-owned retries: the client never retries", policy: auth, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFaultServer(t)
			srv.serve(tc.handler)
			reg := prometheus.NewRegistry()
			c := must[*http.Client](t)(resilience.NewClient(tc.policy, resilience.WithBaseURL(srv.URL),
				resilience.WithRegisterer(reg), resilience.WithClock(newClock())))
			r := wait(t, start(t, c, tc.method, "/v1/messages", tc.key))
			code, err := r.code, r.err
			if tc.status == 0 && err == nil {
				t.Fatalf("got status %d, want a transport error", code)
			}
			if tc.status != 0 && (err != nil || code != tc.status) {
				t.Fatalf("got %d, %v; want status %d", code, err, tc.status)
			}
			seen := srv.seen()
			if len(seen) != tc.attempts {
				t.Fatalf("server saw %d attempts, want %d", len(seen), tc.attempts)
			}
			for i, a := range seen {
				if a.key != tc.key || a.method != tc.method {
					t.Errorf("attempt %d: %s with key %q, want %s with key %q", i+1, a.method, a.key, tc.method, tc.key)
				}
			}
			if got := metricValue(t, reg, resilience.MetricRetries, map[string]string{resilience.LabelDependency: tc.policy.Dependency}); got != float64(tc.attempts-1) {
				t.Errorf("%s = %v, want %d", resilience.MetricRetries, got, tc.attempts-1)
			}
		})
	}
}

// The delays between attempts follow the declared exponential backoff within
// its jitter: each retry waits for a timer the test sees and fires.
func TestRetryBackoff(t *testing.T) {
	p := mailPolicy()
	p.Retry.InitialBackoff, p.Retry.MaxBackoff = time.Second, 3*time.Second
	clock := newClock()
	srv := newFaultServer(t)
	srv.serve(status(http.StatusServiceUnavailable))
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))
	done := start(t, c, http.MethodGet, "/v1/messages/1", "")
	var waited time.Duration
	for i := range p.Retry.ClientRetries() {
		srv.await(t, 1)
		base := p.Retry.Backoff(i)
		lo := time.Duration(float64(base) * (1 - p.Retry.Jitter))
		hi := time.Duration(float64(base) * (1 + p.Retry.Jitter))
		d := waitForTimer(t, clock, "the backoff", func(d time.Duration) bool { return d <= p.Retry.MaxBackoff*2 })
		if d < lo || d > hi {
			t.Errorf("backoff before retry %d = %s, want within [%s, %s]", i+1, d, lo, hi)
		}
		clock.Advance(d - 1)
		if n := srv.count(); n != i+1 || returned(done) {
			t.Fatalf("before the backoff passed: %d attempts, returned %v; want %d and waiting", n, returned(done), i+1)
		}
		clock.Advance(1)
		waited += d
	}
	r := wait(t, done)
	if r.err != nil || r.code != http.StatusServiceUnavailable {
		t.Fatalf("got %d, %v; want the last 503", r.code, r.err)
	}
	if n := srv.count(); n != 1+p.Retry.ClientRetries() {
		t.Fatalf("server saw %d attempts, want %d", n, 1+p.Retry.ClientRetries())
	}
	if got := metricValue(t, reg, resilience.MetricRetries, map[string]string{resilience.LabelDependency: p.Dependency}); got != float64(p.Retry.ClientRetries()) {
		t.Errorf("%s = %v, want %d", resilience.MetricRetries, got, p.Retry.ClientRetries())
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeError); got != 1 {
		t.Errorf("error outcomes = %v, want 1 (one call, however many attempts)", got)
	}
	if got := durationSum(t, reg, p.Dependency); got != waited.Seconds() {
		t.Errorf("the call's duration = %vs, want the backoffs' %vs", got, waited.Seconds())
	}
}

// A Retry-After within the longest backoff replaces the backoff, in seconds
// or as an HTTP date.
func TestRetryAfterIsHonoured(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(now time.Time) string
		want   time.Duration
	}{
		{"seconds", func(time.Time) string { return "3" }, 3 * time.Second},
		{"HTTP date", func(now time.Time) string { return now.Add(7 * time.Second).Format(http.TimeFormat) }, 7 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mailPolicy()
			p.Retry.InitialBackoff, p.Retry.Jitter = time.Second, 0
			clock := newClock()
			srv := newFaultServer(t)
			srv.serve(func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", tc.header(clock.Now()))
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.WriteHeader(http.StatusOK)
			})
			c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithClock(clock)))
			done := start(t, c, http.MethodGet, "/v1/messages/1", "")
			waitForTimer(t, clock, "the Retry-After", exactly(tc.want))
			clock.Advance(tc.want - 1)
			if srv.count() != 1 || returned(done) {
				t.Fatalf("retried before the Retry-After of %s passed", tc.want)
			}
			clock.Advance(1)
			if r := wait(t, done); r.err != nil || r.code != http.StatusOK {
				t.Fatalf("got %d, %v", r.code, r.err)
			}
			if n := srv.count(); n != 2 {
				t.Fatalf("server saw %d attempts, want 2", n)
			}
		})
	}
}

package goclient_test

import (
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/catalog"
	apigateway "github.com/svcgen/svcgen/golden/shop/go/api-gateway"
	"github.com/svcgen/svcgen/golden/shop/go/notification"
	"github.com/svcgen/svcgen/golden/shop/go/order"
)

// notification → mail-provider is idempotent and retried by the client (3
// retries, backoff 1s ×2 up to 5m, ±20 %); order → payment is not
// idempotent (1 retry, only with an Idempotency-Key); api-gateway → auth
// leaves retries to the mesh.
func TestRetries(t *testing.T) {
	mail := notification.MailProviderPolicy()
	if mail.Retry.ClientRetries() < 2 || !mail.Idempotent {
		t.Fatalf("mail-provider's retry policy is %+v; the test needs an idempotent dependency the client retries", mail.Retry)
	}
	pay := order.PaymentPolicy()
	if pay.Idempotent || pay.Retry.ClientRetries() == 0 {
		t.Fatalf("payment's policy is %+v; the test needs a non-idempotent dependency the client retries", pay)
	}
	auth := apigateway.AuthPolicy()
	if auth.Retry.Owner != apigateway.RetryByMesh || auth.Retry.MaxRetries == 0 {
		t.Fatalf("auth's retry policy is %+v; the test needs mesh-owned retries", auth.Retry)
	}

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
		client   func(srv *faultServer, reg prometheus.Registerer) (*http.Client, error)
		method   string
		key      string
		handler  func(http.ResponseWriter, *http.Request, int)
		attempts int
		status   int // 0: a transport error
	}{
		{name: "GET 503 is retried up to the declared count", client: mailClient, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1 + mail.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "GET 429 is retried", client: mailClient, method: http.MethodGet,
			handler: thenOK(status(http.StatusTooManyRequests)), attempts: 2, status: http.StatusOK},
		{name: "GET 502 is retried", client: mailClient, method: http.MethodGet,
			handler: thenOK(status(http.StatusBadGateway)), attempts: 2, status: http.StatusOK},
		{name: "a reset connection is retried", client: mailClient, method: http.MethodGet,
			handler: thenOK(reset), attempts: 2, status: http.StatusOK},
		{name: "GET 404 is not retried", client: mailClient, method: http.MethodGet,
			handler: status(http.StatusNotFound), attempts: 1, status: http.StatusNotFound},
		{name: "GET 400 is not retried", client: mailClient, method: http.MethodGet,
			handler: status(http.StatusBadRequest), attempts: 1, status: http.StatusBadRequest},
		{name: "GET 501 is not retried", client: mailClient, method: http.MethodGet,
			handler: status(http.StatusNotImplemented), attempts: 1, status: http.StatusNotImplemented},
		{name: "PUT 503 is retried", client: mailClient, method: http.MethodPut,
			handler: thenOK(status(http.StatusServiceUnavailable)), attempts: 2, status: http.StatusOK},
		{name: "POST without an Idempotency-Key is never retried", client: mailClient, method: http.MethodPost,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "POST with an Idempotency-Key is retried", client: mailClient, method: http.MethodPost, key: "mail-1",
			handler: status(http.StatusServiceUnavailable), attempts: 1 + mail.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "a reset POST without an Idempotency-Key is never retried", client: mailClient, method: http.MethodPost,
			handler: reset, attempts: 1},
		{name: "a Retry-After beyond the longest backoff is not waited for", client: mailClient, method: http.MethodGet,
			handler: retryAfter(http.StatusServiceUnavailable, int(mail.Retry.MaxBackoff/time.Second)+1), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: POST without an Idempotency-Key is never retried", client: payClient, method: http.MethodPost,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: POST with an Idempotency-Key is retried", client: payClient, method: http.MethodPost, key: "charge-1",
			handler: status(http.StatusServiceUnavailable), attempts: 1 + pay.Retry.ClientRetries(), status: http.StatusServiceUnavailable},
		{name: "non-idempotent dependency: GET without an Idempotency-Key is never retried", client: payClient, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
		{name: "mesh-owned retries: the client never retries", client: authClient, method: http.MethodGet,
			handler: status(http.StatusServiceUnavailable), attempts: 1, status: http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFaultServer(t)
			srv.serve(tc.handler)
			reg := prometheus.NewRegistry()
			c := must[*http.Client](t)(tc.client(srv, reg))
			code, err := call(t, c, tc.method, "/v1/messages", tc.key)
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
		})
	}
}

func mailClient(srv *faultServer, reg prometheus.Registerer) (*http.Client, error) {
	return notification.NewMailProviderClient(notification.WithBaseURL(srv.URL), notification.WithRegisterer(reg), notification.WithTimeScale(0.02))
}

func payClient(srv *faultServer, reg prometheus.Registerer) (*http.Client, error) {
	return order.NewPaymentClient(order.WithBaseURL(srv.URL), order.WithRegisterer(reg), order.WithTimeScale(0.05))
}

func authClient(srv *faultServer, reg prometheus.Registerer) (*http.Client, error) {
	return apigateway.NewAuthClient(apigateway.WithBaseURL(srv.URL), apigateway.WithRegisterer(reg), apigateway.WithTimeScale(0.1))
}

// The delays between attempts follow the declared exponential backoff within
// its jitter, and the retries are counted.
func TestRetryBackoffIsBounded(t *testing.T) {
	const scale = 0.02
	p := notification.MailProviderPolicy()
	srv := newFaultServer(t)
	srv.serve(status(http.StatusServiceUnavailable))
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(notification.NewMailProviderClient(notification.WithBaseURL(srv.URL), notification.WithRegisterer(reg), notification.WithTimeScale(scale)))
	start := time.Now()
	if code, err := call(t, c, http.MethodGet, "/v1/messages/1", ""); err != nil || code != http.StatusServiceUnavailable {
		t.Fatalf("got %d, %v; want the last 503", code, err)
	}
	elapsed := time.Since(start)
	seen := srv.seen()
	if len(seen) != 1+p.Retry.ClientRetries() {
		t.Fatalf("server saw %d attempts, want %d", len(seen), 1+p.Retry.ClientRetries())
	}
	// Attempts are timed at the server, so a gap is the backoff plus one
	// request's latency: at least the shortest backoff, and at most the
	// longest with some room for a loaded machine.
	const slack = 40 * time.Millisecond
	var longest time.Duration
	for i := 1; i < len(seen); i++ {
		gap := seen[i].at.Sub(seen[i-1].at)
		base := time.Duration(float64(p.Retry.Backoff(i-1)) * scale)
		lo := time.Duration(float64(base) * (1 - p.Retry.Jitter))
		hi := time.Duration(float64(base) * (1 + p.Retry.Jitter))
		longest += hi
		if gap < lo || gap > hi+slack {
			t.Errorf("gap before retry %d = %s, want within [%s, %s] (+%s latency)", i, gap, lo, hi, slack)
		}
	}
	if elapsed > longest+2*slack {
		t.Errorf("the call took %s, want at most the longest backoffs %s (+latency)", elapsed, longest)
	}
	if got := metricValue(t, reg, catalog.ClientRetries, map[string]string{catalog.ClientLabelDependency: p.Dependency}); got != float64(p.Retry.ClientRetries()) {
		t.Errorf("%s = %v, want %d", catalog.ClientRetries, got, p.Retry.ClientRetries())
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeError); got != 1 {
		t.Errorf("error outcomes = %v, want 1 (one call, however many attempts)", got)
	}
}

// A Retry-After within the longest backoff replaces the backoff.
func TestRetryAfterIsHonoured(t *testing.T) {
	const scale = 0.02
	p := notification.MailProviderPolicy()
	secs := 3
	if time.Duration(secs)*time.Second <= time.Duration(float64(p.Retry.Backoff(0))*(1+p.Retry.Jitter)) || time.Duration(secs)*time.Second > p.Retry.MaxBackoff {
		t.Fatalf("Retry-After %ds does not tell itself apart from the first backoff of %+v", secs, p.Retry)
	}
	srv := newFaultServer(t)
	srv.serve(func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	c := must[*http.Client](t)(notification.NewMailProviderClient(notification.WithBaseURL(srv.URL), notification.WithTimeScale(scale)))
	if code, err := call(t, c, http.MethodGet, "/v1/messages/1", ""); err != nil || code != http.StatusOK {
		t.Fatalf("got %d, %v", code, err)
	}
	seen := srv.seen()
	if len(seen) != 2 {
		t.Fatalf("server saw %d attempts, want 2", len(seen))
	}
	want := time.Duration(float64(time.Duration(secs)*time.Second) * scale)
	if gap := seen[1].at.Sub(seen[0].at); gap < want {
		t.Errorf("retried %s after a Retry-After of %s (scaled), too early", gap, want)
	}
}

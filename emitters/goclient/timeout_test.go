package goclient_test

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/timeout"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/golden/shop/go/notification"
	"github.com/svcgen/svcgen/golden/shop/go/order"
	"github.com/svcgen/svcgen/golden/shop/go/payment"
)

// payment → pg-gateway: 3s per try, 1 retry. The first attempt hangs; the
// per-try timeout cuts it and the retry succeeds, well within the total.
func TestPerTryTimeoutCutsASlowAttempt(t *testing.T) {
	const scale = 0.05
	p := payment.PgGatewayPolicy()
	perTry := time.Duration(float64(p.Timeout.PerTry) * scale)
	srv := newFaultServer(t)
	var mu sync.Mutex
	var cut time.Duration
	srv.serve(func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			start := time.Now()
			<-r.Context().Done()
			mu.Lock()
			cut = time.Since(start)
			mu.Unlock()
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(payment.NewPgGatewayClient(payment.WithBaseURL(srv.URL), payment.WithRegisterer(reg), payment.WithTimeScale(scale)))
	start := time.Now()
	if code, err := call(t, c, http.MethodGet, "/payments/1", ""); err != nil || code != http.StatusOK {
		t.Fatalf("got %d, %v; want the retry's 200", code, err)
	}
	elapsed := time.Since(start)
	if srv.count() != 2 {
		t.Fatalf("server saw %d attempts, want 2", srv.count())
	}
	mu.Lock()
	defer mu.Unlock()
	if cut < perTry*9/10 || cut > perTry+100*time.Millisecond {
		t.Errorf("the hanging attempt was cut after %s, want the per-try timeout %s", cut, perTry)
	}
	if total := time.Duration(float64(p.Timeout.Total) * scale); elapsed >= total {
		t.Errorf("the call took %s, not less than the total timeout %s", elapsed, total)
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeSuccess); got != 1 {
		t.Errorf("success outcomes = %v, want 1", got)
	}
}

// notification → mail-provider: 30s in total, 3 retries. The dependency
// asks to be retried after 12s each time; the total timeout ends the call
// during the third wait, through the transport and through the client.
func TestTotalTimeoutBoundsTheWholeCall(t *testing.T) {
	const scale = 0.02
	p := notification.MailProviderPolicy()
	total := time.Duration(float64(p.Timeout.Total) * scale)
	wait := 12 * time.Second
	if wait > p.Retry.MaxBackoff || time.Duration(1+p.Retry.ClientRetries())*wait <= p.Timeout.Total {
		t.Fatalf("Retry-After %s cannot outlast the total timeout of %+v", wait, p)
	}
	handler := func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	// Attempts at 0, 12s, 24s; the next would start well after the total.
	attempts := int(p.Timeout.Total/wait) + 1
	if r := p.Timeout.Total % wait; r < wait/4 || wait-r < wait/4 {
		t.Fatalf("Retry-After %s puts an attempt too close to the total timeout %s", wait, p.Timeout.Total)
	}

	t.Run("transport", func(t *testing.T) {
		srv := newFaultServer(t)
		srv.serve(handler)
		reg := prometheus.NewRegistry()
		rt := must[http.RoundTripper](t)(notification.NewMailProviderTransport(notification.WithBaseURL(srv.URL), notification.WithRegisterer(reg), notification.WithTimeScale(scale)))
		req, _ := http.NewRequest(http.MethodGet, "/v1/messages/1", nil)
		start := time.Now()
		resp, err := rt.RoundTrip(req)
		elapsed := time.Since(start)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got status %d, want the total timeout", resp.StatusCode)
		}
		var pe *notification.Error
		if !errors.Is(err, timeout.ErrExceeded) || !errors.As(err, &pe) || !pe.Timeout() || pe.Outcome != catalog.ClientOutcomeTimeout {
			t.Fatalf("got %v, want a *notification.Error wrapping timeout.ErrExceeded", err)
		}
		if elapsed < total || elapsed > total+100*time.Millisecond {
			t.Errorf("the call took %s, want the total timeout %s", elapsed, total)
		}
		if srv.count() != attempts {
			t.Errorf("server saw %d attempts, want %d", srv.count(), attempts)
		}
		if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeTimeout); got != 1 {
			t.Errorf("timeout outcomes = %v, want 1", got)
		}
	})
	t.Run("client", func(t *testing.T) {
		srv := newFaultServer(t)
		srv.serve(handler)
		reg := prometheus.NewRegistry()
		c := must[*http.Client](t)(notification.NewMailProviderClient(notification.WithBaseURL(srv.URL), notification.WithRegisterer(reg), notification.WithTimeScale(scale)))
		start := time.Now()
		_, err := call(t, c, http.MethodGet, "/v1/messages/1", "")
		elapsed := time.Since(start)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("got %v, want a timeout", err)
		}
		if elapsed < total || elapsed > total+100*time.Millisecond {
			t.Errorf("the call took %s, want the total timeout %s", elapsed, total)
		}
		if srv.count() != attempts {
			var at []time.Duration
			for _, a := range srv.seen() {
				at = append(at, a.at.Sub(start))
			}
			t.Errorf("server saw %d attempts (at %v), want %d", srv.count(), at, attempts)
		}
		if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeTimeout); got != 1 {
			t.Errorf("timeout outcomes = %v, want 1", got)
		}
	})
}

// order → product (declared idempotent) leaves retries to the mesh, whose sidecar bounds each
// of its attempts by the per-try timeout: the client's one request spans
// them all, so only the total timeout bounds it.
func TestMeshOwnedRetriesLeaveThePerTryTimeoutToTheMesh(t *testing.T) {
	const scale = 0.05
	p := order.ProductPolicy()
	if p.Retry.Owner != order.RetryByMesh || p.Retry.MaxRetries == 0 {
		t.Fatalf("product's retry policy is %+v; the test needs mesh-owned retries", p.Retry)
	}
	perTry := time.Duration(float64(p.Timeout.PerTry) * scale)
	total := time.Duration(float64(p.Timeout.Total) * scale)
	slow := (perTry + total) / 2
	srv := newFaultServer(t)
	srv.serve(func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(slow)
		w.WriteHeader(http.StatusOK)
	})
	c := must[*http.Client](t)(order.NewProductClient(order.WithBaseURL(srv.URL), order.WithTimeScale(scale)))
	if code, err := call(t, c, http.MethodGet, "/prices/42", ""); err != nil || code != http.StatusOK {
		t.Fatalf("a %s response (per try %s, total %s): %d, %v; want it to arrive", slow, perTry, total, code, err)
	}
	srv.serve(func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	start := time.Now()
	_, err := call(t, c, http.MethodGet, "/prices/42", "")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a hanging dependency: %v, want a timeout", err)
	}
	if d := time.Since(start); d < total {
		t.Errorf("cut after %s, before the total timeout %s", d, total)
	}
}

package goclient_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/golden/shop/go/order"
	"github.com/svcgen/svcgen/golden/shop/go/payment"
)

// order → payment has a count breaker (5 of the last 10 calls, open 30s, 3
// trial calls). POSTs without an Idempotency-Key are never retried, so each
// call is one attempt the breaker counts.
func TestCountBreakerOpensAfterDeclaredFailuresAndFailsFast(t *testing.T) {
	const scale = 0.02
	p := order.PaymentPolicy()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(order.NewPaymentClient(order.WithBaseURL(srv.URL), order.WithRegisterer(reg), order.WithTimeScale(scale)))

	srv.serve(status(http.StatusServiceUnavailable))
	for i := 1; i <= p.Breaker.Failures; i++ {
		if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateClosed {
			t.Fatalf("before failure %d: breaker %s, want closed", i, got)
		}
		code, err := call(t, c, http.MethodPost, "/charges", "")
		if err != nil || code != http.StatusServiceUnavailable {
			t.Fatalf("call %d: %d, %v; want the server's 503", i, code, err)
		}
		if srv.count() != i {
			t.Fatalf("call %d: the server saw %d attempts, want %d (no retries without an Idempotency-Key)", i, srv.count(), i)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateOpen {
		t.Fatalf("after %d failures: breaker %s, want open", p.Breaker.Failures, got)
	}

	// Open: calls fail at once, with or without a key, and never reach the server.
	for _, key := range []string{"", "charge-1"} {
		start := time.Now()
		_, err := call(t, c, http.MethodPost, "/charges", key)
		if !errors.Is(err, circuitbreaker.ErrOpen) {
			t.Fatalf("call to an open breaker: %v, want circuitbreaker.ErrOpen", err)
		}
		var pe *order.Error
		if !errors.As(err, &pe) || pe.Dependency != "payment" || pe.Outcome != catalog.ClientOutcomeBreakerOpen {
			t.Errorf("error %v: want an *order.Error for payment with outcome breaker_open", err)
		}
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Errorf("an open breaker took %s to refuse a call, want it to fail fast", d)
		}
	}
	if srv.count() != p.Breaker.Failures {
		t.Fatalf("the server saw %d attempts while the breaker was open, want none", srv.count()-p.Breaker.Failures)
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeBreakerOpen); got != 2 {
		t.Errorf("breaker_open outcomes = %v, want 2", got)
	}

	// Half-open after the open delay: the trial calls reach the server and
	// close the breaker once HalfOpenCalls of them succeeded.
	openFor := time.Duration(float64(p.Breaker.OpenFor) * scale)
	eventually(t, "the breaker to half-open", func() bool { return breakerState(t, reg, p.Dependency) == catalog.ClientStateHalfOpen })
	if waited := time.Since(srv.seen()[p.Breaker.Failures-1].at); waited < openFor {
		t.Fatalf("breaker half-open %s after it opened, want at least %s", waited, openFor)
	}
	srv.serve(status(http.StatusOK))
	for i := 1; i <= p.Breaker.HalfOpenCalls; i++ {
		if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateHalfOpen {
			t.Fatalf("before trial call %d: breaker %s, want half_open", i, got)
		}
		if code, err := call(t, c, http.MethodPost, "/charges", ""); err != nil || code != http.StatusOK {
			t.Fatalf("trial call %d: %d, %v", i, code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateClosed {
		t.Fatalf("after %d successful trial calls: breaker %s, want closed", p.Breaker.HalfOpenCalls, got)
	}
	if srv.count() != p.Breaker.HalfOpenCalls {
		t.Fatalf("server saw %d trial calls, want %d", srv.count(), p.Breaker.HalfOpenCalls)
	}
}

func TestHalfOpenBreakerReopensOnAFailedTrial(t *testing.T) {
	const scale = 0.02
	p := order.PaymentPolicy()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(order.NewPaymentClient(order.WithBaseURL(srv.URL), order.WithRegisterer(reg), order.WithTimeScale(scale)))

	srv.serve(status(http.StatusBadGateway))
	for range p.Breaker.Failures {
		call(t, c, http.MethodGet, "/charges/1", "")
	}
	eventually(t, "the breaker to half-open", func() bool { return breakerState(t, reg, p.Dependency) == catalog.ClientStateHalfOpen })
	srv.serve(status(http.StatusBadGateway))
	if code, err := call(t, c, http.MethodGet, "/charges/1", ""); err != nil || code != http.StatusBadGateway {
		t.Fatalf("trial call: %d, %v; want the server's 502", code, err)
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateOpen {
		t.Fatalf("after a failed trial: breaker %s, want open", got)
	}
	if _, err := call(t, c, http.MethodGet, "/charges/1", ""); !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Fatalf("after a failed trial: %v, want circuitbreaker.ErrOpen", err)
	}
	if srv.count() != 1 {
		t.Fatalf("server saw %d attempts after half-opening, want the one trial", srv.count())
	}
}

// Client errors are the caller's, not the dependency's: 404s never open
// the breaker.
func TestClientErrorsDoNotOpenTheBreaker(t *testing.T) {
	p := order.PaymentPolicy()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(order.NewPaymentClient(order.WithBaseURL(srv.URL), order.WithRegisterer(reg), order.WithTimeScale(0.1)))
	srv.serve(status(http.StatusNotFound))
	for range 2 * p.Breaker.Calls {
		if code, err := call(t, c, http.MethodGet, "/charges/404", ""); err != nil || code != http.StatusNotFound {
			t.Fatalf("call: %d, %v", code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateClosed {
		t.Fatalf("after %d 404s: breaker %s, want closed", 2*p.Breaker.Calls, got)
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeSuccess); got != float64(2*p.Breaker.Calls) {
		t.Errorf("success outcomes = %v, want %d (the dependency answered)", got, 2*p.Breaker.Calls)
	}
}

// payment → pg-gateway has a time breaker (50 % of at least 10 calls in 30s)
// that counts calls slower than 2.5s as failures, under a 3s per-try
// timeout. Slow calls succeed for the caller and still open the breaker.
func TestSlowCallsOpenTheTimeBreaker(t *testing.T) {
	const scale = 0.2
	p := payment.PgGatewayPolicy()
	if p.Breaker.Window != payment.TimeWindow || p.Breaker.SlowCall == 0 {
		t.Fatalf("pg-gateway's breaker is %+v; the test needs a time window with a slow-call threshold", p.Breaker)
	}
	slow := time.Duration(float64(p.Breaker.SlowCall)*scale) + 30*time.Millisecond
	if perTry := time.Duration(float64(p.Timeout.PerTry) * scale); slow >= perTry {
		t.Fatalf("no room between the slow-call threshold and the per-try timeout (%s)", perTry)
	}
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(payment.NewPgGatewayClient(payment.WithBaseURL(srv.URL), payment.WithRegisterer(reg), payment.WithTimeScale(scale)))

	// Fast calls are successes: as many as the window needs leave it closed.
	for range p.Breaker.MinCalls {
		if code, err := call(t, c, http.MethodPost, "/payments", ""); err != nil || code != http.StatusOK {
			t.Fatalf("fast call: %d, %v", code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateClosed {
		t.Fatalf("after fast calls: breaker %s, want closed", got)
	}

	// As many slow calls make half the window's calls failures.
	srv.serve(func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(slow)
		w.WriteHeader(http.StatusOK)
	})
	var wg sync.WaitGroup
	errs := make([]error, p.Breaker.MinCalls)
	for i := range p.Breaker.MinCalls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := call(t, c, http.MethodPost, "/payments", "")
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("status %d", code)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("slow calls must succeed for the caller: %s", joinErr(errs))
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateOpen {
		t.Fatalf("after %d fast and %d slow calls: breaker %s, want open", p.Breaker.MinCalls, p.Breaker.MinCalls, got)
	}
	n := srv.count()
	if _, err := call(t, c, http.MethodPost, "/payments", ""); !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Fatalf("after slow calls: %v, want circuitbreaker.ErrOpen", err)
	}
	if srv.count() != n {
		t.Fatal("an open breaker let a call reach the server")
	}
}

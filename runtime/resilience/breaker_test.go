package resilience_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/resilience"
)

// payment has a count breaker (5 of the last 10 calls, open 30s, 3 trial
// calls). POSTs without an Idempotency-Key are never retried, so each call
// is one attempt the breaker counts.
func TestCountBreakerOpensAfterDeclaredFailuresAndFailsFast(t *testing.T) {
	p := payPolicy()
	clock := newClock()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))

	srv.serve(status(http.StatusServiceUnavailable))
	for i := 1; i <= p.Breaker.Failures; i++ {
		if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
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
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("after %d failures: breaker %s, want open", p.Breaker.Failures, got)
	}

	// Open: calls fail at once — while the clock stands still, so without
	// waiting for anything — with or without a key, and never reach the
	// server; until the open time has passed, to the nanosecond.
	refuse := func(when string) {
		t.Helper()
		for _, key := range []string{"", "charge-1"} {
			_, err := call(t, c, http.MethodPost, "/charges", key)
			if !errors.Is(err, circuitbreaker.ErrOpen) {
				t.Fatalf("call to an open breaker %s: %v, want circuitbreaker.ErrOpen", when, err)
			}
			var pe *resilience.Error
			if !errors.As(err, &pe) || pe.Dependency != p.Dependency || pe.Outcome != resilience.OutcomeBreakerOpen {
				t.Errorf("error %v: want an *Error for payment with outcome breaker_open", err)
			}
		}
	}
	refuse("at once")
	clock.Advance(p.Breaker.OpenFor - 1)
	refuse("just before its open time passed")
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("just before the open time passed: breaker %s, want open", got)
	}
	if srv.count() != p.Breaker.Failures {
		t.Fatalf("the server saw %d attempts while the breaker was open, want none", srv.count()-p.Breaker.Failures)
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeBreakerOpen); got != 4 {
		t.Errorf("breaker_open outcomes = %v, want 4", got)
	}

	// Half-open once the open time passed: the trial calls reach the server
	// and close the breaker once HalfOpenCalls of them succeeded.
	clock.Advance(1)
	srv.serve(status(http.StatusOK))
	for i := 1; i <= p.Breaker.HalfOpenCalls; i++ {
		if got := breakerState(t, reg, p.Dependency); got != resilience.StateHalfOpen {
			t.Fatalf("before trial call %d: breaker %s, want half_open", i, got)
		}
		if code, err := call(t, c, http.MethodPost, "/charges", ""); err != nil || code != http.StatusOK {
			t.Fatalf("trial call %d: %d, %v", i, code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
		t.Fatalf("after %d successful trial calls: breaker %s, want closed", p.Breaker.HalfOpenCalls, got)
	}
	if srv.count() != p.Breaker.HalfOpenCalls {
		t.Fatalf("server saw %d trial calls, want %d", srv.count(), p.Breaker.HalfOpenCalls)
	}
}

func TestHalfOpenBreakerReopensOnAFailedTrial(t *testing.T) {
	p := payPolicy()
	clock := newClock()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))

	srv.serve(status(http.StatusBadGateway))
	for range p.Breaker.Failures {
		call(t, c, http.MethodGet, "/charges/1", "")
	}
	clock.Advance(p.Breaker.OpenFor)
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateHalfOpen {
		t.Fatalf("after the open time: breaker %s, want half_open", got)
	}
	srv.serve(status(http.StatusBadGateway))
	if code, err := call(t, c, http.MethodGet, "/charges/1", ""); err != nil || code != http.StatusBadGateway {
		t.Fatalf("trial call: %d, %v; want the server's 502", code, err)
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("after a failed trial: breaker %s, want open", got)
	}
	if _, err := call(t, c, http.MethodGet, "/charges/1", ""); !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Fatalf("after a failed trial: %v, want circuitbreaker.ErrOpen", err)
	}
	if srv.count() != 1 {
		t.Fatalf("server saw %d attempts after half-opening, want the one trial", srv.count())
	}
	// It stays open for the whole open time again, counted from the failed
	// trial.
	clock.Advance(p.Breaker.OpenFor - 1)
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("before the second open time passed: breaker %s, want open", got)
	}
	clock.Advance(1)
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateHalfOpen {
		t.Fatalf("after the second open time: breaker %s, want half_open", got)
	}
}

// Client errors are the caller's, not the dependency's: 404s never open the
// breaker.
func TestClientErrorsDoNotOpenTheBreaker(t *testing.T) {
	p := payPolicy()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(newClock())))
	srv.serve(status(http.StatusNotFound))
	for range 2 * p.Breaker.Calls {
		if code, err := call(t, c, http.MethodGet, "/charges/404", ""); err != nil || code != http.StatusNotFound {
			t.Fatalf("call: %d, %v", code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
		t.Fatalf("after %d 404s: breaker %s, want closed", 2*p.Breaker.Calls, got)
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeSuccess); got != float64(2*p.Breaker.Calls) {
		t.Errorf("success outcomes = %v, want %d (the dependency answered)", got, 2*p.Breaker.Calls)
	}
}

// A time breaker (50 % of at least 10 calls in 30s) that counts calls slower
// than 2.5s as failures, under a 3s per-try timeout. Slow calls succeed for
// the caller and still open the breaker: at exactly half of the calls.
func TestSlowCallsOpenTheTimeBreaker(t *testing.T) {
	p := payPolicy()
	p.Dependency = "pg-gateway"
	p.Timeout.PerTry = 3 * time.Second
	p.Breaker = resilience.Breaker{Window: resilience.TimeWindow, FailureRate: 0.5, Period: 30 * time.Second, MinCalls: 10,
		OpenFor: 10 * time.Second, HalfOpenCalls: 1, SlowCall: 2500 * time.Millisecond}
	clock := newClock()
	srv := newFaultServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))

	// Fast calls are successes: as many as the window needs leave it closed.
	for range p.Breaker.MinCalls {
		if code, err := call(t, c, http.MethodPost, "/payments", ""); err != nil || code != http.StatusOK {
			t.Fatalf("fast call: %d, %v", code, err)
		}
	}
	// A slow call takes a millisecond more than the threshold on the clock.
	srv.serve(func(w http.ResponseWriter, _ *http.Request, _ int) {
		clock.Advance(p.Breaker.SlowCall + time.Millisecond)
		w.WriteHeader(http.StatusOK)
	})
	for i := 1; i <= p.Breaker.MinCalls; i++ {
		if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
			t.Fatalf("after %d fast and %d slow calls: breaker %s, want closed", p.Breaker.MinCalls, i-1, got)
		}
		if code, err := call(t, c, http.MethodPost, "/payments", ""); err != nil || code != http.StatusOK {
			t.Fatalf("slow calls must succeed for the caller: %d, %v", code, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
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

package resilience_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/timeout"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/resilience"
)

var errConnRefused = errors.New("dial tcp: connection refused")

// A database is called through a Guard, not an HTTP client, with the same
// policy chain around a function.
func TestGuardRetriesAndOpensItsBreaker(t *testing.T) {
	p := dbPolicy()
	reg := prometheus.NewRegistry()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithRegisterer(reg), resilience.WithClock(newClock()),
		resilience.WithExpectedErrors(func(err error) bool { return errors.Is(err, sql.ErrNoRows) })))
	ctx := context.Background()
	if g.Policy().Dependency != p.Dependency {
		t.Errorf("Policy() = %+v", g.Policy())
	}

	// A value comes back through Get.
	v, err := resilience.Get(ctx, g, func(context.Context) (int, error) { return 42, nil })
	if err != nil || v != 42 {
		t.Fatalf("Get = %d, %v", v, err)
	}

	// An expected error is an answer: returned once, not retried, a success.
	var calls atomic.Int32
	err = g.Run(ctx, func(context.Context) error { calls.Add(1); return sql.ErrNoRows })
	if !errors.Is(err, sql.ErrNoRows) || calls.Load() != 1 {
		t.Fatalf("expected error: %v after %d calls, want sql.ErrNoRows after 1", err, calls.Load())
	}

	// A failure is retried as declared; every attempt counts for the
	// breaker, which opens after exactly its failures.
	calls.Store(0)
	attempts := 1 + p.Retry.ClientRetries()
	for i := 0; calls.Load() < int32(p.Breaker.Failures); i++ {
		if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
			t.Fatalf("after %d failed attempts: breaker %s, want closed", calls.Load(), got)
		}
		before := calls.Load()
		err := g.Run(ctx, func(context.Context) error { calls.Add(1); return errConnRefused })
		// The attempt that opens the breaker is the call's last: a retry
		// would meet the open breaker.
		want := min(int32(attempts), int32(p.Breaker.Failures)-before)
		if n := calls.Load() - before; n != want {
			t.Fatalf("call %d made %d attempts, want %d", i, n, want)
		}
		if want == int32(attempts) && !errors.Is(err, errConnRefused) {
			t.Fatalf("call %d: %v, want the function's error", i, err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("after %d failed attempts: breaker %s, want open", p.Breaker.Failures, got)
	}
	before := calls.Load()
	err = g.Run(ctx, func(context.Context) error { calls.Add(1); return nil })
	var pe *resilience.Error
	if !errors.Is(err, circuitbreaker.ErrOpen) || calls.Load() != before || !errors.As(err, &pe) || pe.Outcome != resilience.OutcomeBreakerOpen {
		t.Fatalf("open breaker: %v after %d calls of the function, want circuitbreaker.ErrOpen and none", err, calls.Load()-before)
	}
	if got := metricValue(t, reg, resilience.MetricRetries, map[string]string{resilience.LabelDependency: p.Dependency}); got == 0 {
		t.Errorf("%s = 0, want the retries counted", resilience.MetricRetries)
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeSuccess); got != 2 {
		t.Errorf("success outcomes = %v, want 2 (a value and an expected error)", got)
	}
}

// A non-idempotent dependency's Guard never retries.
func TestGuardOfANonIdempotentDependencyNeverRetries(t *testing.T) {
	p := dbPolicy()
	p.Idempotent = false
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithClock(newClock())))
	var calls atomic.Int32
	if err := g.Run(context.Background(), func(context.Context) error { calls.Add(1); return errConnRefused }); !errors.Is(err, errConnRefused) || calls.Load() != 1 {
		t.Fatalf("%v after %d attempts, want the function's error after 1", err, calls.Load())
	}
}

// The per-try timeout reaches the guarded function through its context,
// when the clock passes it; when every attempt hangs, the total timeout
// ends the call.
func TestGuardPerTryTimeout(t *testing.T) {
	p := dbPolicy()
	p.Timeout.PerTry, p.Timeout.Total = 5*time.Second, 10*time.Second
	clock := newClock()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithClock(clock)))
	var calls atomic.Int32
	type got struct {
		v   string
		err error
	}
	done := make(chan got, 1)
	started := make(chan struct{}, 10)
	go func() {
		v, err := resilience.Get(context.Background(), g, func(ctx context.Context) (string, error) {
			started <- struct{}{}
			if calls.Add(1) == 1 {
				<-ctx.Done()
				return "", ctx.Err()
			}
			return "row", nil
		})
		done <- got{v, err}
	}()
	<-started
	waitForTimer(t, clock, "the per-try timeout", exactly(p.Timeout.PerTry))
	clock.Advance(p.Timeout.PerTry - 1)
	if len(done) > 0 || calls.Load() != 1 {
		t.Fatal("the first attempt was cut before the per-try timeout")
	}
	clock.Advance(1)
	if r := <-done; r.err != nil || r.v != "row" || calls.Load() != 2 {
		t.Fatalf("Get = %q, %v after %d calls; want the retry's row after 2", r.v, r.err, calls.Load())
	}

	errc := make(chan error, 1)
	go func() {
		errc <- g.Run(context.Background(), func(ctx context.Context) error { started <- struct{}{}; <-ctx.Done(); return ctx.Err() })
	}()
	<-started
	waitForTimer(t, clock, "the per-try timeout", exactly(p.Timeout.PerTry))
	clock.Advance(p.Timeout.PerTry)
	<-started
	waitForTimer(t, clock, "the second per-try timeout", exactly(p.Timeout.PerTry))
	clock.Advance(p.Timeout.Total - p.Timeout.PerTry)
	err := <-errc
	var pe *resilience.Error
	if !errors.Is(err, timeout.ErrExceeded) || !errors.As(err, &pe) || !pe.Timeout() {
		t.Fatalf("hanging function: %v, want a timeout", err)
	}
}

// A caller's cancellation is neither retried nor a failure of the
// dependency.
func TestGuardCallerCancellation(t *testing.T) {
	p := dbPolicy()
	reg := prometheus.NewRegistry()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithRegisterer(reg), resilience.WithClock(newClock())))
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	err := g.Run(ctx, func(ctx context.Context) error {
		calls.Add(1)
		cancel()
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Fatalf("canceled call: %v after %d attempts, want context.Canceled after 1", err, calls.Load())
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeCanceled); got != 1 {
		t.Errorf("canceled outcomes = %v, want 1", got)
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
		t.Errorf("breaker %s after a cancellation, want closed", got)
	}
}

// A semaphore of 3 that waits up to 100ms: a call over capacity waits
// exactly that long on the clock, then is refused. The in-flight gauge
// counts the calls inside.
func TestGuardBulkhead(t *testing.T) {
	p := dbPolicy()
	clock := newClock()
	reg := prometheus.NewRegistry()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithRegisterer(reg), resilience.WithClock(clock)))
	release := make(chan struct{})
	var running sync.WaitGroup
	var inside atomic.Int32
	for range p.Bulkhead.MaxConcurrent {
		running.Add(1)
		go func() {
			defer running.Done()
			_ = g.Run(context.Background(), func(ctx context.Context) error {
				inside.Add(1)
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil
			})
		}()
	}
	eventually(t, "the bulkhead to fill", func() bool { return inside.Load() == int32(p.Bulkhead.MaxConcurrent) })
	if got := inFlight(t, reg, p.Dependency); got != float64(p.Bulkhead.MaxConcurrent) {
		t.Errorf("%s = %v, want %d", resilience.MetricInFlight, got, p.Bulkhead.MaxConcurrent)
	}
	if got := metricValue(t, reg, resilience.MetricBulkheadMaxConcurrent, map[string]string{resilience.LabelDependency: p.Dependency}); got != float64(p.Bulkhead.MaxConcurrent) {
		t.Errorf("%s = %v, want %d", resilience.MetricBulkheadMaxConcurrent, got, p.Bulkhead.MaxConcurrent)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- g.Run(context.Background(), func(context.Context) error { t.Error("a call over capacity ran"); return nil })
	}()
	waitForTimer(t, clock, "the bulkhead's wait", exactly(p.Bulkhead.MaxWait))
	clock.Advance(p.Bulkhead.MaxWait - 1)
	if len(errc) > 0 {
		t.Fatal("refused before the wait passed")
	}
	clock.Advance(1)
	err := <-errc
	close(release)
	running.Wait()
	if !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("call over capacity: %v, want bulkhead.ErrFull", err)
	}
	if got := inFlight(t, reg, p.Dependency); got != 0 {
		t.Errorf("%s = %v after the calls, want 0", resilience.MetricInFlight, got)
	}
}

// A caller that gives up while waiting for the bulkhead gets its own
// cancellation, not a refusal.
func TestGuardBulkheadWaitCanceled(t *testing.T) {
	p := dbPolicy()
	p.Bulkhead.MaxConcurrent = 1
	clock := newClock()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithClock(clock)))
	release := make(chan struct{})
	inside := make(chan struct{})
	go g.Run(context.Background(), func(context.Context) error { close(inside); <-release; return nil })
	<-inside
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- g.Run(ctx, func(context.Context) error { return nil }) }()
	waitForTimer(t, clock, "the bulkhead's wait", exactly(p.Bulkhead.MaxWait))
	cancel()
	err := <-errc
	close(release)
	if !errors.Is(err, context.Canceled) || errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("canceled while waiting: %v, want context.Canceled", err)
	}
}

// Without a bulkhead any number of calls run at once, and the in-flight
// gauge counts them all; no bulkhead size is exported.
func TestGuardWithoutIsolation(t *testing.T) {
	p := dbPolicy()
	p.Dependency, p.Kind = "product-cache", "cache"
	p.Bulkhead = resilience.Bulkhead{Isolation: resilience.NoIsolation}
	reg := prometheus.NewRegistry()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithRegisterer(reg), resilience.WithClock(newClock())))
	const n = 200
	release := make(chan struct{})
	var wg sync.WaitGroup
	var inside atomic.Int32
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- g.Run(context.Background(), func(ctx context.Context) error {
				inside.Add(1)
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil
			})
		}()
	}
	eventually(t, "every call to run", func() bool { return inside.Load() == n })
	if got := inFlight(t, reg, p.Dependency); got != n {
		t.Errorf("%s = %v, want %d", resilience.MetricInFlight, got, n)
	}
	if m := series(t, reg, resilience.MetricBulkheadMaxConcurrent, nil); m != nil {
		t.Errorf("a dependency without a bulkhead exports %s: %v", resilience.MetricBulkheadMaxConcurrent, m)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A guarded call slower than the slow-call threshold, on the clock, is a
// success for the caller and a failure for the breaker.
func TestGuardSlowCalls(t *testing.T) {
	p := dbPolicy()
	p.Breaker = resilience.Breaker{Window: resilience.CountWindow, Failures: 2, Calls: 2, OpenFor: time.Minute, HalfOpenCalls: 1, SlowCall: time.Second}
	clock := newClock()
	reg := prometheus.NewRegistry()
	g := must[*resilience.Guard](t)(resilience.NewGuard(p, resilience.WithRegisterer(reg), resilience.WithClock(clock)))
	slow := func(context.Context) error { clock.Advance(p.Breaker.SlowCall + time.Millisecond); return nil }
	fast := func(context.Context) error { clock.Advance(p.Breaker.SlowCall); return nil }
	for _, fn := range []func(context.Context) error{fast, fast, slow} {
		if err := g.Run(context.Background(), fn); err != nil {
			t.Fatal(err)
		}
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateClosed {
		t.Fatalf("after one slow call of two: breaker %s, want closed", got)
	}
	if err := g.Run(context.Background(), slow); err != nil {
		t.Fatalf("a slow call failed for the caller: %v", err)
	}
	if got := breakerState(t, reg, p.Dependency); got != resilience.StateOpen {
		t.Fatalf("after two slow calls: breaker %s, want open", got)
	}
}

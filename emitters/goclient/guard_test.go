package goclient_test

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

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/golden/shop/go/payment"
	"github.com/svcgen/svcgen/golden/shop/go/product"
)

var errConnRefused = errors.New("dial tcp: connection refused")

// payment → payments-db is a database: a Guard, not an HTTP client, with
// the same policy chain around a function.
func TestGuardRetriesAndOpensItsBreaker(t *testing.T) {
	const scale = 0.1
	p := payment.PaymentsDBPolicy()
	reg := prometheus.NewRegistry()
	g := must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithRegisterer(reg), payment.WithTimeScale(scale),
		payment.WithExpectedErrors(func(err error) bool { return errors.Is(err, sql.ErrNoRows) })))
	ctx := context.Background()

	// A value comes back through Get.
	v, err := payment.Get(ctx, g, func(context.Context) (int, error) { return 42, nil })
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
		if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateClosed {
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
	if got := breakerState(t, reg, p.Dependency); got != catalog.ClientStateOpen {
		t.Fatalf("after %d failed attempts: breaker %s, want open", p.Breaker.Failures, got)
	}
	before := calls.Load()
	err = g.Run(ctx, func(context.Context) error { calls.Add(1); return nil })
	if !errors.Is(err, circuitbreaker.ErrOpen) || calls.Load() != before {
		t.Fatalf("open breaker: %v after %d calls of the function, want circuitbreaker.ErrOpen and none", err, calls.Load()-before)
	}
	if got := metricValue(t, reg, catalog.ClientRetries, map[string]string{catalog.ClientLabelDependency: p.Dependency}); got == 0 {
		t.Errorf("%s = 0, want the retries counted", catalog.ClientRetries)
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeSuccess); got != 2 {
		t.Errorf("success outcomes = %v, want 2 (a value and an expected error)", got)
	}
}

// The per-try timeout reaches the guarded function through its context.
func TestGuardPerTryTimeout(t *testing.T) {
	const scale = 0.05
	p := payment.PaymentsDBPolicy()
	g := must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithTimeScale(scale)))
	perTry := time.Duration(float64(p.Timeout.PerTry) * scale)
	var calls atomic.Int32
	start := time.Now()
	v, err := payment.Get(context.Background(), g, func(ctx context.Context) (string, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done()
			return "", ctx.Err()
		}
		return "row", nil
	})
	if err != nil || v != "row" || calls.Load() != 2 {
		t.Fatalf("Get = %q, %v after %d calls; want the retry's row after 2", v, err, calls.Load())
	}
	if d := time.Since(start); d < perTry {
		t.Errorf("the first attempt was cut after less than the per-try timeout %s", perTry)
	}

	// When every attempt hangs, the caller gets the timeout.
	g = must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithTimeScale(scale)))
	err = g.Run(context.Background(), func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	var pe *payment.Error
	if !errors.Is(err, timeout.ErrExceeded) || !errors.As(err, &pe) || !pe.Timeout() {
		t.Fatalf("hanging function: %v, want a timeout", err)
	}
}

// A caller's cancellation is neither retried nor a failure of the
// dependency.
func TestGuardCallerCancellation(t *testing.T) {
	p := payment.PaymentsDBPolicy()
	reg := prometheus.NewRegistry()
	g := must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithRegisterer(reg)))
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
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeCanceled); got != 1 {
		t.Errorf("canceled outcomes = %v, want 1", got)
	}
}

// payment → payments-db: a semaphore of 50 that waits up to 100ms.
func TestGuardBulkhead(t *testing.T) {
	const scale = 0.5
	p := payment.PaymentsDBPolicy()
	g := must[*payment.Guard](t)(payment.NewPaymentsDBGuard(payment.WithTimeScale(scale)))
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
	start := time.Now()
	err := g.Run(context.Background(), func(context.Context) error { t.Error("a call over capacity ran"); return nil })
	waited := time.Since(start)
	close(release)
	running.Wait()
	if !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("call over capacity: %v, want bulkhead.ErrFull", err)
	}
	if maxWait := time.Duration(float64(p.Bulkhead.MaxWait) * scale); waited < maxWait {
		t.Errorf("refused after %s, want after the wait %s", waited, maxWait)
	}
}

// product → product-cache has no bulkhead: any number of calls run at once.
func TestGuardWithoutIsolation(t *testing.T) {
	p := product.ProductCachePolicy()
	if p.Bulkhead.Isolation != product.NoIsolation {
		t.Fatalf("product-cache's bulkhead is %+v, want none", p.Bulkhead)
	}
	// Scaled up: the test holds 200 calls at once, which must not meet the
	// 100ms per-try timeout on a loaded machine.
	g := must[*product.Guard](t)(product.NewProductCacheGuard(product.WithTimeScale(100)))
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
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

package resilience

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
	"github.com/failsafe-go/failsafe-go/timeout"
	"github.com/prometheus/client_golang/prometheus"
)

// Option configures a client, transport or guard.
type Option func(*options) error

type options struct {
	baseURL    *url.URL
	transport  http.RoundTripper
	registerer prometheus.Registerer
	buckets    []float64
	clock      Clock
	expected   func(error) bool
}

// WithBaseURL sends requests with a relative URL to base instead of the
// dependency's address (a test server, a local port-forward).
func WithBaseURL(base string) Option {
	return func(o *options) error {
		u, err := url.Parse(base)
		if err != nil {
			return err
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return errors.New("base URL " + strconv.Quote(base) + " is not an absolute http or https URL")
		}
		o.baseURL = u
		return nil
	}
}

// WithTransport makes the client send each attempt through rt (default: an
// http.Transport whose dial and TLS handshake are bounded by the connect
// timeout). The connect timeout is then rt's to enforce.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("nil transport")
		}
		o.transport = rt
		return nil
	}
}

// WithRegisterer registers the client metrics with reg. Without it the client
// exports none. Clients of several dependencies share the metrics of one
// registerer; two clients of the same dependency cannot share one.
func WithRegisterer(reg prometheus.Registerer) Option {
	return func(o *options) error {
		if reg == nil {
			return errors.New("nil registerer")
		}
		o.registerer = reg
		return nil
	}
}

// WithDurationBuckets sets the upper bounds, in seconds, of
// MetricRequestDuration's buckets (default: prometheus.DefBuckets; generated
// packages pass the catalog's).
func WithDurationBuckets(buckets ...float64) Option {
	return func(o *options) error {
		for i, b := range buckets {
			if i > 0 && b <= buckets[i-1] {
				return errors.New("duration buckets must increase")
			}
		}
		if len(buckets) == 0 {
			return errors.New("no duration buckets")
		}
		o.buckets = append([]float64(nil), buckets...)
		return nil
	}
}

// WithClock makes the client or guard read time from c instead of the wall
// clock: for tests, which advance it themselves.
func WithClock(c Clock) Option {
	return func(o *options) error {
		if c == nil {
			return errors.New("nil clock")
		}
		o.clock = c
		return nil
	}
}

// WithExpectedErrors tells a Guard which errors of the guarded function are
// answers of a healthy dependency (sql.ErrNoRows, a cache miss): they are
// returned as they are, never retried, and count as successes for the breaker
// and the metrics. HTTP clients ignore it: their answers are responses.
func WithExpectedErrors(expected func(error) bool) Option {
	return func(o *options) error {
		if expected == nil {
			return errors.New("nil expected-errors function")
		}
		o.expected = expected
		return nil
	}
}

func buildOptions(opts []Option) (*options, error) {
	o := &options{buckets: prometheus.DefBuckets, clock: wallClock{}, expected: func(error) bool { return false }}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// core holds the stateful policies of one dependency, shared by every call —
// its circuit breaker and bulkhead — and runs each attempt inside them.
type core[R any] struct {
	policy  Policy
	clock   Clock
	breaker circuitbreaker.CircuitBreaker[R]
	// opened is when the breaker last opened, on clock (see admit).
	opened    atomic.Pointer[time.Time]
	halfOpen  sync.Mutex
	bulkheads []bulkhead.Bulkhead[R]
	metrics   *metrics
}

// classifier tells the policies of a core what a result means.
type classifier[R any] struct {
	// failed reports a failure of the dependency, counted by the breaker.
	failed func(R, error) bool
	// retryable reports a result worth another attempt.
	retryable func(R, error) bool
	// retryAfter returns the delay the dependency asked for, if it did.
	retryAfter func(R) (time.Duration, bool)
	// discard releases a result that is about to be retried.
	discard func(R)
}

// neverByItself is the open delay of failsafe-go's breaker: it follows the
// wall clock, so the core moves it to half-open itself, on its clock.
const neverByItself = time.Duration(1 << 62)

func newCore[R any](p Policy, o *options, c classifier[R]) (*core[R], error) {
	k := &core[R]{policy: p, clock: o.clock}

	b := circuitbreaker.NewBuilder[R]().
		HandleIf(c.failed).
		WithDelay(neverByItself).
		WithSuccessThreshold(uint(p.Breaker.HalfOpenCalls)).
		OnOpen(func(circuitbreaker.StateChangedEvent) {
			now := k.clock.Now()
			k.opened.Store(&now)
		})
	if p.Breaker.Window == TimeWindow {
		b = b.WithFailureRateThreshold(p.Breaker.FailureRate, uint(p.Breaker.MinCalls), p.Breaker.Period)
	} else {
		b = b.WithFailureThresholdRatio(uint(p.Breaker.Failures), uint(p.Breaker.Calls))
	}
	k.breaker = b.Build()

	switch p.Bulkhead.Isolation {
	case SemaphoreIsolation:
		k.bulkheads = []bulkhead.Bulkhead[R]{bulkhead.New[R](uint(p.Bulkhead.MaxConcurrent))}
	case PoolIsolation:
		// failsafe-go's bulkhead does not bound its waiters: an outer one
		// admits running plus queued calls without waiting, and the inner
		// one lets MaxConcurrent of them run.
		k.bulkheads = []bulkhead.Bulkhead[R]{
			bulkhead.New[R](uint(p.Bulkhead.MaxConcurrent + p.Bulkhead.MaxQueue)),
			bulkhead.New[R](uint(p.Bulkhead.MaxConcurrent)),
		}
	}

	if o.registerer != nil {
		m, err := newMetrics(o.registerer, p, o.buckets, k.state)
		if err != nil {
			return nil, err
		}
		k.metrics = m
	}
	return k, nil
}

// policies returns the failsafe-go policies of one call, outermost first:
// the retry policy (when withRetry) and the circuit breaker. The total
// timeout is around them (the caller's), the bulkhead and the per-try
// timeout inside them (attempt).
func (k *core[R]) policies(c classifier[R], withRetry bool) []failsafe.Policy[R] {
	p := k.policy
	var chain []failsafe.Policy[R]
	if withRetry {
		chain = append(chain, retrypolicy.NewBuilder[R]().
			HandleIf(c.retryable).
			// A dependency that asks for more than the longest backoff is
			// not retried: retrying sooner would ignore it, waiting would
			// spend the caller's budget.
			AbortIf(func(r R, _ error) bool {
				d, ok := c.retryAfter(r)
				return ok && d > p.Retry.MaxBackoff
			}).
			WithMaxRetries(p.Retry.ClientRetries()).
			// The backoff is waited here, on the core's clock; failsafe-go's
			// own delay, on the wall clock, is none.
			WithDelay(0).
			// The caller gets the last response or error, not a wrapper.
			ReturnLastFailure().
			OnRetryScheduled(func(e failsafe.ExecutionScheduledEvent[R]) {
				d, ok := c.retryAfter(e.LastResult())
				if !ok {
					d = jittered(p.Retry.Backoff(e.Retries()), p.Retry.Jitter)
				}
				c.discard(e.LastResult())
				sleep(e.Context(), k.clock, d)
			}).
			OnRetry(func(failsafe.ExecutionEvent[R]) {
				k.metrics.retried()
				k.admit()
			}).
			Build())
	}
	return append(chain, k.breaker)
}

// admit moves an open breaker whose open time has passed on the core's clock
// to half-open, so that the next attempt is a trial. It runs before every
// attempt. Only admit half-opens the breaker; the lock and the comparison
// with the opening it saw keep two calls from half-opening it twice when a
// failed trial opened it again in between.
func (k *core[R]) admit() {
	opened := k.opened.Load()
	if opened == nil || !k.breaker.IsOpen() || k.clock.Now().Sub(*opened) < k.policy.Breaker.OpenFor {
		return
	}
	k.halfOpen.Lock()
	defer k.halfOpen.Unlock()
	if k.opened.Load() == opened && k.breaker.IsOpen() {
		k.breaker.HalfOpen()
	}
}

// state is the breaker's state label. An open breaker whose open time has
// passed lets the next call through as a trial, so it is reported half-open.
func (k *core[R]) state() string {
	switch k.breaker.State() {
	case circuitbreaker.OpenState:
		if opened := k.opened.Load(); opened != nil && k.clock.Now().Sub(*opened) >= k.policy.Breaker.OpenFor {
			return StateHalfOpen
		}
		return StateOpen
	case circuitbreaker.HalfOpenState:
		return StateHalfOpen
	}
	return StateClosed
}

// attempt runs one attempt of fn inside the bulkhead and under the per-try
// timeout (unless the mesh retries: cutting the request at the per-try
// timeout would cancel the sidecar's retries). fn gets the attempt's
// context; its keep result asks to keep that context alive after fn
// returns (a response body still to be read), and then done must be called
// when the caller is finished with it.
func (k *core[R]) attempt(ctx context.Context, fn func(ctx context.Context) (R, bool, error)) (r R, done func(), err error) {
	release, err := k.enter(ctx)
	if err != nil {
		return r, func() {}, err
	}
	defer release()
	p := k.policy
	if p.Retry.Owner == RetryByMesh && p.Retry.MaxRetries > 0 {
		r, _, err = fn(ctx)
		return r, func() {}, err
	}
	tctx, stop, cancel := withTimeout(ctx, k.clock, p.Timeout.PerTry)
	r, keep, err := fn(tctx)
	if err != nil && timedOut(tctx, ctx) {
		err = timeout.ErrExceeded
	}
	if err == nil && keep {
		stop()
		return r, cancel, nil
	}
	cancel()
	return r, func() {}, err
}

// enter takes a place in the bulkhead, waiting up to MaxWait on the core's
// clock, and returns the function that gives it back.
func (k *core[R]) enter(ctx context.Context) (func(), error) {
	var held []bulkhead.Bulkhead[R]
	for i, b := range k.bulkheads {
		if b.TryAcquirePermit() {
			held = append(held, b)
			continue
		}
		// The outer bulkhead of a pool (running and queued calls) admits
		// without waiting; a semaphore, or a pool's inner bulkhead, waits.
		if i == len(k.bulkheads)-1 && k.policy.Bulkhead.MaxWait > 0 {
			wctx, _, cancel := withTimeout(ctx, k.clock, k.policy.Bulkhead.MaxWait)
			err := b.AcquirePermit(wctx)
			cancel()
			if err == nil {
				held = append(held, b)
				continue
			}
			if ctx.Err() != nil {
				k.release(held)
				return nil, ctx.Err()
			}
		}
		k.release(held)
		k.metrics.rejected()
		return nil, bulkhead.ErrFull
	}
	k.metrics.entered()
	return func() {
		k.metrics.left()
		k.release(held)
	}, nil
}

func (k *core[R]) release(held []bulkhead.Bulkhead[R]) {
	for _, b := range held {
		b.ReleasePermit()
	}
}

// jittered spreads d uniformly over d × (1 ± jitter).
func jittered(d time.Duration, jitter float64) time.Duration {
	if jitter <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 + jitter*(2*rand.Float64()-1)))
}

// wrap returns err as an *Error when a policy of the client ended the call.
func wrap(dependency, outcome string, err error) error {
	if errors.Is(err, timeout.ErrExceeded) || errors.Is(err, circuitbreaker.ErrOpen) || errors.Is(err, bulkhead.ErrFull) {
		return &Error{Dependency: dependency, Outcome: outcome, Err: err}
	}
	return err
}

// errorOutcome names what ended a call that returned err.
func errorOutcome(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, circuitbreaker.ErrOpen):
		return OutcomeBreakerOpen
	case errors.Is(err, bulkhead.ErrFull):
		return OutcomeBulkheadFull
	case errors.Is(err, timeout.ErrExceeded),
		errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimeout
	case ctx.Err() != nil, errors.Is(err, context.Canceled):
		return OutcomeCanceled
	}
	return OutcomeError
}

// isContextError reports a call ended by a context: the caller's, or the
// total timeout's. Neither says anything about the dependency.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

package resilience

import (
	"context"
	"errors"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/timeout"
)

// Guard runs calls to a dependency that does not speak HTTP (a database, a
// cache) under its policy: the total timeout, retries (only when the client
// owns them and the dependency is idempotent), the circuit breaker, the
// bulkhead and the per-try timeout. The guarded function must honour the
// context it is given: that is how the timeouts reach it.
type Guard struct {
	core     *core[*guardResult]
	expected func(error) bool
	executor failsafe.Executor[*guardResult]
}

type guardResult struct {
	value any
	slow  bool
}

// NewGuard returns the Guard of the dependency of p.
func NewGuard(p Policy, opts ...Option) (*Guard, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	failure := func(err error) bool { return !o.expected(err) && !isContextError(err) }
	c := classifier[*guardResult]{
		failed: func(r *guardResult, err error) bool {
			if err != nil {
				return failure(err)
			}
			return r != nil && r.slow
		},
		retryable: func(_ *guardResult, err error) bool {
			return err != nil && failure(err) && !errors.Is(err, circuitbreaker.ErrOpen) && !errors.Is(err, bulkhead.ErrFull)
		},
		retryAfter: func(*guardResult) (time.Duration, bool) { return 0, false },
		discard:    func(*guardResult) {},
	}
	k, err := newCore(p, o, c)
	if err != nil {
		return nil, err
	}
	retry := p.Idempotent && p.Retry.ClientRetries() > 0
	return &Guard{
		core:     k,
		expected: o.expected,
		executor: failsafe.With(k.policies(c, retry)...),
	}, nil
}

// Policy returns the policy the guard enforces.
func (g *Guard) Policy() Policy { return g.core.policy }

// Run calls fn under the guard's policies.
func (g *Guard) Run(ctx context.Context, fn func(ctx context.Context) error) error {
	_, err := g.do(ctx, func(ctx context.Context) (any, error) { return nil, fn(ctx) })
	return err
}

// Get calls fn under g's policies and returns its result.
func Get[R any](ctx context.Context, g *Guard, fn func(ctx context.Context) (R, error)) (R, error) {
	v, err := g.do(ctx, func(ctx context.Context) (any, error) { return fn(ctx) })
	r, _ := v.(R)
	return r, err
}

func (g *Guard) do(parent context.Context, fn func(ctx context.Context) (any, error)) (any, error) {
	k := g.core
	ctx, _, cancel := withTimeout(parent, k.clock, k.policy.Timeout.Total)
	defer cancel()
	start := k.clock.Now()
	k.admit()
	r, err := g.executor.WithContext(ctx).GetWithExecution(func(exec failsafe.Execution[*guardResult]) (*guardResult, error) {
		r, _, err := k.attempt(exec.Context(), func(ctx context.Context) (*guardResult, bool, error) {
			begin := k.clock.Now()
			v, err := fn(ctx)
			slow := err == nil && k.policy.Breaker.SlowCall > 0 && k.clock.Now().Sub(begin) > k.policy.Breaker.SlowCall
			return &guardResult{value: v, slow: slow}, false, err
		})
		return r, err
	})
	if err != nil && timedOut(ctx, parent) {
		err = timeout.ErrExceeded
	}
	outcome := OutcomeSuccess
	if err != nil && !g.expected(err) {
		outcome = errorOutcome(parent, err)
		err = wrap(k.policy.Dependency, outcome, err)
	}
	k.metrics.observe(outcome, k.clock.Now().Sub(start))
	if r == nil {
		return nil, err
	}
	return r.value, err
}

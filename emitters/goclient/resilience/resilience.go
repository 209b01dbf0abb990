package resilience

// This file is the same in every package svcgen generates, but for the
// package clause: the runtime of the clients and guards that the file beside
// it declares for each dependency, with their policies, the metric names and
// the histogram buckets. svcgen compiles and tests it as its package
// emitters/goclient/resilience.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
	"github.com/failsafe-go/failsafe-go/timeout"
	"github.com/prometheus/client_golang/prometheus"
)

// Policy is the resilience policy the catalog resolved for one dependency:
// every value the generated clients and guards enforce. Use it to set what
// they cannot (a database driver's connect timeout), or to build failsafe-go
// policies of your own for calls they do not make.
type Policy struct {
	// Caller is the service whose code calls the dependency.
	Caller string
	// Dependency is the dependency's name in the catalog and the value of the
	// dependency label on the client metrics.
	Dependency string
	// Kind is internal, external, database, cache or upload.
	Kind string
	// Profile is the resilience profile the defaults came from.
	Profile string
	// Protocol is HTTP, HTTPS, TLS or TCP.
	Protocol string
	// Address is the dependency's host:port.
	Address string
	// BaseURL is where a client sends requests with a relative URL; "" for
	// dependencies that do not speak HTTP.
	BaseURL string
	// Idempotent is false for calls that must never be retried blindly: the
	// client then retries only requests that carry an Idempotency-Key header,
	// and a Guard never retries.
	Idempotent bool
	// Fallback is what the caller does when the dependency fails, as the
	// catalog declares it; "" for a hard dependency.
	Fallback string
	Timeout  Timeouts
	Retry    Retry
	Breaker  Breaker
	Bulkhead Bulkhead
}

// Timeouts bound a call.
type Timeouts struct {
	// Connect bounds establishing a connection (TCP and TLS handshake).
	Connect time.Duration
	// PerTry bounds one attempt, from the moment the bulkhead admits it.
	// Where the mesh owns retries, the sidecar bounds each of its attempts
	// by it, and the client, whose one request spans them all, only by
	// Total.
	PerTry time.Duration
	// Total bounds the whole call: every attempt and every backoff.
	Total time.Duration
}

// RetryOwner says who retries a dependency. Exactly one does: retries
// multiply.
type RetryOwner string

// Retry owners.
const (
	// RetryByMesh leaves retries to the sidecar (Istio); the client never
	// retries.
	RetryByMesh RetryOwner = "mesh"
	// RetryByClient makes the generated client retry.
	RetryByClient RetryOwner = "client"
)

// Retry is a dependency's retry policy.
type Retry struct {
	Owner RetryOwner
	// MaxRetries is the number of retries after the first attempt, made by
	// Owner.
	MaxRetries int
	// Retry i (0-based) waits min(InitialBackoff × Multiplier^i, MaxBackoff),
	// spread by ±Jitter (a ratio: 0.2 is ±20 %).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	Multiplier     float64
	Jitter         float64
}

// ClientRetries is the number of retries the client itself makes: MaxRetries
// when it owns retries, else 0.
func (r Retry) ClientRetries() int {
	if r.Owner != RetryByClient {
		return 0
	}
	return r.MaxRetries
}

// Backoff returns the delay before retry i (0-based) before jitter:
// min(InitialBackoff × Multiplier^i, MaxBackoff).
func (r Retry) Backoff(i int) time.Duration {
	d := float64(r.InitialBackoff) * math.Pow(r.Multiplier, float64(i))
	return time.Duration(math.Min(d, float64(r.MaxBackoff)))
}

// BreakerWindow is how a circuit breaker counts recent calls.
type BreakerWindow string

// Breaker windows.
const (
	// CountWindow opens after Failures of the last Calls calls failed.
	CountWindow BreakerWindow = "count"
	// TimeWindow opens when FailureRate of the calls within Period failed,
	// once at least MinCalls were made.
	TimeWindow BreakerWindow = "time"
)

// Breaker is a dependency's circuit breaker. Failures are transport errors,
// per-try timeouts, calls the bulkhead refused, 5xx responses other than 501,
// 429 responses and, when SlowCall is set, successful calls slower than it.
// Every attempt counts, retries included.
type Breaker struct {
	Window BreakerWindow
	// Failures and Calls describe a count window.
	Failures int
	Calls    int
	// FailureRate (a ratio in (0, 1]), Period and MinCalls describe a time
	// window.
	FailureRate float64
	Period      time.Duration
	MinCalls    int
	// OpenFor is how long the breaker refuses calls before it lets trial
	// calls through.
	OpenFor time.Duration
	// HalfOpenCalls trial calls must all succeed to close the breaker; one
	// failure opens it again.
	HalfOpenCalls int
	// SlowCall, when not zero, counts attempts slower than it as failures.
	SlowCall time.Duration
}

// Isolation is how a bulkhead isolates a dependency.
type Isolation string

// Isolation kinds.
const (
	// SemaphoreIsolation limits concurrent calls; a call over the limit waits
	// up to MaxWait for a place, then fails.
	SemaphoreIsolation Isolation = "semaphore"
	// PoolIsolation gives the dependency its own pool: MaxConcurrent calls in
	// flight and at most MaxQueue more waiting, each up to MaxWait; a call
	// beyond both fails at once.
	PoolIsolation Isolation = "pool"
	// NoIsolation leaves the dependency unbounded.
	NoIsolation Isolation = "none"
)

// Bulkhead bounds the calls in flight to a dependency.
type Bulkhead struct {
	Isolation     Isolation
	MaxConcurrent int
	MaxQueue      int
	MaxWait       time.Duration
}

// Error reports a call that the client's own policies ended: a timeout, an
// open circuit breaker or a full bulkhead. Err is timeout.ErrExceeded,
// circuitbreaker.ErrOpen or bulkhead.ErrFull, so errors.Is works on it.
type Error struct {
	Dependency string
	// Outcome is the call's outcome label: timeout, breaker_open or
	// bulkhead_full.
	Outcome string
	Err     error
}

func (e *Error) Error() string { return e.Dependency + ": " + e.Err.Error() }

// Unwrap returns the failsafe-go error.
func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether a timeout ended the call, as net.Error does.
func (e *Error) Timeout() bool { return e.Outcome == outcomeTimeout }

// Option configures a client, transport or guard.
type Option func(*options) error

type options struct {
	baseURL    *url.URL
	transport  http.RoundTripper
	registerer prometheus.Registerer
	scale      float64
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

// WithTimeScale multiplies every duration the client waits by scale: the
// timeouts, backoffs, Retry-After delays, the breaker's open time and window,
// the bulkhead's wait and the slow-call threshold. It lets tests run the
// declared policy in milliseconds; leave it out in production.
func WithTimeScale(scale float64) Option {
	return func(o *options) error {
		if !(scale > 0) || math.IsInf(scale, 0) {
			return errors.New("time scale must be a positive number")
		}
		o.scale = scale
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
	o := &options{scale: 1, expected: func(error) bool { return false }}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (o *options) scaled(d time.Duration) time.Duration {
	if o.scale == 1 {
		return d
	}
	return time.Duration(math.Round(float64(d) * o.scale))
}

// core holds the stateful policies of one dependency, shared by every call —
// its circuit breaker and bulkhead — and builds the policy chain around them.
type core[R any] struct {
	policy    Policy
	opts      *options
	breaker   circuitbreaker.CircuitBreaker[R]
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

func newCore[R any](p Policy, o *options, c classifier[R]) (*core[R], error) {
	k := &core[R]{policy: p, opts: o}

	b := circuitbreaker.NewBuilder[R]().
		HandleIf(c.failed).
		WithDelay(o.scaled(p.Breaker.OpenFor)).
		WithSuccessThreshold(uint(p.Breaker.HalfOpenCalls))
	if p.Breaker.Window == TimeWindow {
		b = b.WithFailureRateThreshold(p.Breaker.FailureRate, uint(p.Breaker.MinCalls), o.scaled(p.Breaker.Period))
	} else {
		b = b.WithFailureThresholdRatio(uint(p.Breaker.Failures), uint(p.Breaker.Calls))
	}
	k.breaker = b.Build()

	onFull := func(failsafe.ExecutionEvent[R]) { k.metrics.rejected() }
	switch p.Bulkhead.Isolation {
	case SemaphoreIsolation:
		k.bulkheads = []bulkhead.Bulkhead[R]{
			bulkhead.NewBuilder[R](uint(p.Bulkhead.MaxConcurrent)).WithMaxWaitTime(o.scaled(p.Bulkhead.MaxWait)).OnFull(onFull).Build(),
		}
	case PoolIsolation:
		// failsafe-go's bulkhead does not bound its waiters: an outer one
		// admits running plus queued calls without waiting, and the inner
		// one lets MaxConcurrent of them run.
		k.bulkheads = []bulkhead.Bulkhead[R]{
			bulkhead.NewBuilder[R](uint(p.Bulkhead.MaxConcurrent + p.Bulkhead.MaxQueue)).OnFull(onFull).Build(),
			bulkhead.NewBuilder[R](uint(p.Bulkhead.MaxConcurrent)).WithMaxWaitTime(o.scaled(p.Bulkhead.MaxWait)).OnFull(onFull).Build(),
		}
	}

	if o.registerer != nil {
		m, err := newMetrics(o.registerer, p.Dependency, func() string { return breakerState(k.breaker) })
		if err != nil {
			return nil, err
		}
		k.metrics = m
	}
	return k, nil
}

// chain returns the policies of one call, outermost first: the total
// timeout, the retry policy (when withRetry), the circuit breaker, the
// bulkhead and the per-try timeout (unless the mesh retries: cutting the
// request at the per-try timeout would cancel the sidecar's retries).
func (k *core[R]) chain(c classifier[R], withRetry bool) []failsafe.Policy[R] {
	p, o := k.policy, k.opts
	chain := []failsafe.Policy[R]{timeout.New[R](o.scaled(p.Timeout.Total))}
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
			WithDelayFunc(func(exec failsafe.ExecutionAttempt[R]) time.Duration {
				if d, ok := c.retryAfter(exec.LastResult()); ok {
					return o.scaled(d)
				}
				return o.scaled(jittered(p.Retry.Backoff(exec.Retries()), p.Retry.Jitter))
			}).
			// The caller gets the last response or error, not a wrapper.
			ReturnLastFailure().
			OnRetryScheduled(func(e failsafe.ExecutionScheduledEvent[R]) { c.discard(e.LastResult()) }).
			OnRetry(func(failsafe.ExecutionEvent[R]) { k.metrics.retried() }).
			Build())
	}
	chain = append(chain, k.breaker)
	for _, b := range k.bulkheads {
		chain = append(chain, b)
	}
	if p.Retry.Owner == RetryByMesh && p.Retry.MaxRetries > 0 {
		return chain
	}
	return append(chain, timeout.New[R](o.scaled(p.Timeout.PerTry)))
}

// jittered spreads d uniformly over d × (1 ± jitter).
func jittered(d time.Duration, jitter float64) time.Duration {
	if jitter <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 + jitter*(2*rand.Float64()-1)))
}

// breakerState is the state label of cb. An open breaker whose delay has
// passed lets the next call through as a trial, so it is reported half-open:
// failsafe-go moves it there only when that call arrives.
func breakerState[R any](cb circuitbreaker.CircuitBreaker[R]) string {
	switch cb.State() {
	case circuitbreaker.OpenState:
		if cb.RemainingDelay() > 0 {
			return stateOpen
		}
		return stateHalfOpen
	case circuitbreaker.HalfOpenState:
		return stateHalfOpen
	}
	return stateClosed
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
		return outcomeBreakerOpen
	case errors.Is(err, bulkhead.ErrFull):
		return outcomeBulkheadFull
	case errors.Is(err, timeout.ErrExceeded),
		errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return outcomeTimeout
	case ctx.Err() != nil, errors.Is(err, context.Canceled):
		return outcomeCanceled
	}
	return outcomeError
}

// isContextError reports a call ended by a context: the caller's, or the
// total timeout's. Neither says anything about the dependency.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// HTTP clients.

// newClient returns an *http.Client on newTransport. Its Timeout is the total
// timeout, which bounds reading the body too.
func newClient(p Policy, opts []Option) (*http.Client, error) {
	t, o, err := buildTransport(p, opts)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t, Timeout: o.scaled(p.Timeout.Total)}, nil
}

// newTransport returns the http.RoundTripper that calls the dependency of p
// under its policies.
func newTransport(p Policy, opts []Option) (http.RoundTripper, error) {
	t, _, err := buildTransport(p, opts)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func buildTransport(p Policy, opts []Option) (*transport, *options, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, nil, err
	}
	base := o.baseURL
	if base == nil {
		if base, err = url.Parse(p.BaseURL); err != nil {
			return nil, nil, err
		}
	}
	inner := o.transport
	if inner == nil {
		inner = defaultTransport(p, o)
	}
	c := classifier[*http.Response]{
		failed: func(resp *http.Response, err error) bool {
			if err != nil {
				return !isContextError(err)
			}
			return failedResponse(resp) || isSlow(resp)
		},
		retryable: func(resp *http.Response, err error) bool {
			if err != nil {
				return retryableError(err)
			}
			return failedResponse(resp)
		},
		retryAfter: func(resp *http.Response) (time.Duration, bool) { return retryAfter(resp, time.Now()) },
		discard:    discard,
	}
	k, err := newCore(p, o, c)
	if err != nil {
		return nil, nil, err
	}
	attempt := &attemptTransport{next: inner, slowCall: o.scaled(p.Breaker.SlowCall)}
	t := &transport{
		dependency: p.Dependency,
		base:       base,
		idempotent: p.Idempotent,
		metrics:    k.metrics,
		once:       failsafehttp.NewRoundTripper(attempt, k.chain(c, false)...),
	}
	if p.Retry.ClientRetries() > 0 {
		t.retrying = failsafehttp.NewRoundTripper(attempt, k.chain(c, true)...)
	}
	return t, o, nil
}

// defaultTransport is http.DefaultTransport's configuration with the connect
// timeout on dialling and the TLS handshake, and as many idle connections
// kept as the bulkhead lets calls run: a client talks to one host only.
func defaultTransport(p Policy, o *options) *http.Transport {
	connect := o.scaled(p.Timeout.Connect)
	idle := p.Bulkhead.MaxConcurrent
	if idle <= 0 {
		idle = 100
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   connect,
		ExpectContinueTimeout: time.Second,
	}
}

// transport is what the generated constructors return. It resolves relative
// URLs, picks the policy chain with or without retries for each request,
// and records the call's outcome.
type transport struct {
	dependency string
	base       *url.URL
	idempotent bool
	metrics    *metrics
	once       http.RoundTripper
	retrying   http.RoundTripper // nil when the client never retries
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	orig := req
	if req.URL != nil && req.URL.Host == "" {
		req = req.Clone(req.Context())
		req.URL = t.base.ResolveReference(orig.URL)
	}
	rt := t.once
	if t.retrying != nil && mayRetry(req, t.idempotent) {
		rt = t.retrying
	}
	start := time.Now()
	resp, err := rt.RoundTrip(req)
	// failsafehttp read the body to replay it on retries and never closes
	// it; a RoundTripper must.
	if orig.Body != nil {
		orig.Body.Close()
	}
	var outcome string
	if err != nil {
		outcome = errorOutcome(req.Context(), err)
		err = wrap(t.dependency, outcome, err)
	} else if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		outcome = outcomeError
	} else {
		outcome = outcomeSuccess
	}
	t.metrics.observe(outcome, time.Since(start))
	return resp, err
}

// mayRetry reports whether a request may be sent twice: it carries an
// Idempotency-Key, or its method is idempotent and so is the dependency.
func mayRetry(req *http.Request, idempotent bool) bool {
	if req.Header.Get("Idempotency-Key") != "" {
		return true
	}
	if !idempotent {
		return false
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// failedResponse reports a response that a retry may change: 429, and 5xx
// except 501 (the server does not implement the method; it never will).
func failedResponse(resp *http.Response) bool {
	return resp != nil && (resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented)
}

// retryableError reports whether an attempt that failed with err is worth
// repeating: connection failures, resets and per-try timeouts are; an open
// breaker and a full bulkhead are not (they fail fast), nor a canceled call,
// nor a certificate or URL the next attempt would refuse again.
func retryableError(err error) bool {
	if errors.Is(err, circuitbreaker.ErrOpen) || errors.Is(err, bulkhead.ErrFull) || isContextError(err) {
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verification) {
		return false
	}
	return !strings.Contains(err.Error(), "unsupported protocol scheme")
}

// retryAfter returns the delay a response's Retry-After header asks for,
// given in seconds or as an HTTP date.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// discard drains and closes the body of a response that will be retried, so
// that its connection can be reused.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

// slowCallKey marks, on the request of a response, that the attempt took
// longer than the slow-call threshold. The breaker's failure test sees only
// the response; this is how the attempt's duration reaches it.
type slowCallKey struct{}

func isSlow(resp *http.Response) bool {
	return resp != nil && resp.Request != nil && resp.Request.Context().Value(slowCallKey{}) != nil
}

// attemptTransport sends one attempt and marks slow responses.
type attemptTransport struct {
	next     http.RoundTripper
	slowCall time.Duration
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err == nil && t.slowCall > 0 {
		if elapsed := time.Since(start); elapsed > t.slowCall {
			sent := resp.Request
			if sent == nil {
				sent = req
			}
			resp.Request = sent.WithContext(context.WithValue(sent.Context(), slowCallKey{}, elapsed))
		}
	}
	return resp, err
}

// Guards for dependencies that do not speak HTTP.

// Guard runs calls to a dependency that does not speak HTTP (a database, a
// cache) under its policy: the total timeout, retries (only when the client
// owns them and the dependency is idempotent), the circuit breaker, the
// bulkhead and the per-try timeout. The guarded function must honour the
// context it is given: that is how the timeouts reach it.
type Guard struct {
	policy   Policy
	expected func(error) bool
	slowCall time.Duration
	metrics  *metrics
	executor failsafe.Executor[*guardResult]
}

type guardResult struct {
	value any
	slow  bool
}

func newGuard(p Policy, opts []Option) (*Guard, error) {
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
		policy:   p,
		expected: o.expected,
		slowCall: o.scaled(p.Breaker.SlowCall),
		metrics:  k.metrics,
		executor: failsafe.With(k.chain(c, retry)...),
	}, nil
}

// Policy returns the policy the guard enforces (unscaled).
func (g *Guard) Policy() Policy { return g.policy }

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

func (g *Guard) do(ctx context.Context, fn func(ctx context.Context) (any, error)) (any, error) {
	slowCall := g.slowCall
	start := time.Now()
	r, err := g.executor.WithContext(ctx).GetWithExecution(func(exec failsafe.Execution[*guardResult]) (*guardResult, error) {
		begin := time.Now()
		v, err := fn(exec.Context())
		return &guardResult{value: v, slow: err == nil && slowCall > 0 && time.Since(begin) > slowCall}, err
	})
	outcome := outcomeSuccess
	if err != nil && !g.expected(err) {
		outcome = errorOutcome(ctx, err)
		err = wrap(g.policy.Dependency, outcome, err)
	}
	g.metrics.observe(outcome, time.Since(start))
	if r == nil {
		return nil, err
	}
	return r.value, err
}

// Metrics.

// metrics are one dependency's client metrics; a nil *metrics records
// nothing.
type metrics struct {
	requests   *prometheus.CounterVec // by outcome
	duration   prometheus.Observer
	retries    prometheus.Counter
	rejections prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, dependency string, state func() string) (*metrics, error) {
	requests, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: metricRequests,
		Help: "Calls to a dependency by outcome: success, error, timeout, breaker_open, bulkhead_full, canceled.",
	}, []string{labelDependency, labelOutcome}))
	if err != nil {
		return nil, err
	}
	duration, err := registerShared(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    metricRequestDuration,
		Help:    "Duration of calls to a dependency up to the response, retries and backoff included, in seconds.",
		Buckets: durationBuckets,
	}, []string{labelDependency}))
	if err != nil {
		return nil, err
	}
	retries, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: metricRetries,
		Help: "Retries the client made to a dependency.",
	}, []string{labelDependency}))
	if err != nil {
		return nil, err
	}
	rejections, err := registerShared(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: metricBulkheadRejections,
		Help: "Calls to a dependency that its bulkhead refused.",
	}, []string{labelDependency}))
	if err != nil {
		return nil, err
	}
	if err := reg.Register(&breakerCollector{
		desc: prometheus.NewDesc(metricBreakerState,
			"State of the circuit breaker to a dependency: 1 for the current state, 0 for the others.",
			[]string{labelState}, prometheus.Labels{labelDependency: dependency}),
		state: state,
	}); err != nil {
		return nil, errors.New("registering the circuit breaker state of " + dependency + ": " + err.Error() +
			" (build one client of a dependency per registerer)")
	}
	m := &metrics{
		requests:   requests.MustCurryWith(prometheus.Labels{labelDependency: dependency}),
		duration:   duration.WithLabelValues(dependency),
		retries:    retries.WithLabelValues(dependency),
		rejections: rejections.WithLabelValues(dependency),
	}
	// Every series exists from the start, so that rates and alerts see a
	// zero rather than nothing.
	for _, o := range []string{outcomeSuccess, outcomeError, outcomeTimeout, outcomeBreakerOpen, outcomeBulkheadFull, outcomeCanceled} {
		m.requests.WithLabelValues(o)
	}
	return m, nil
}

// registerShared registers c, or returns the equal collector registered
// before: the clients of several dependencies share one vector.
func registerShared[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

func (m *metrics) observe(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(outcome).Inc()
	m.duration.Observe(d.Seconds())
}

func (m *metrics) retried() {
	if m != nil {
		m.retries.Inc()
	}
}

func (m *metrics) rejected() {
	if m != nil {
		m.rejections.Inc()
	}
}

// breakerCollector reports a breaker's state when scraped.
type breakerCollector struct {
	desc  *prometheus.Desc
	state func() string
}

func (c *breakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *breakerCollector) Collect(ch chan<- prometheus.Metric) {
	current := c.state()
	for _, s := range []string{stateClosed, stateOpen, stateHalfOpen} {
		v := 0.0
		if s == current {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, s)
	}
}

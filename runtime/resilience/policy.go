package resilience

import (
	"math"
	"time"
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
func (e *Error) Timeout() bool { return e.Outcome == OutcomeTimeout }

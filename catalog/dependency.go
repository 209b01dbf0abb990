package catalog

import (
	"math"
	"strconv"
	"time"
)

// DepKind is what a dependency is; it sets timeout and isolation defaults.
type DepKind string

// Dependency kinds.
const (
	KindInternal DepKind = "internal"
	KindExternal DepKind = "external"
	KindDatabase DepKind = "database"
	KindCache    DepKind = "cache"
	KindUpload   DepKind = "upload"
)

// Profile is a resilience profile; it sets breaker and retry defaults.
type Profile string

// Resilience profiles.
const (
	ProfileCore      Profile = "core"
	ProfileStandard  Profile = "standard"
	ProfileAnalytics Profile = "analytics"
	ProfileExternal  Profile = "external"
	ProfileAsync     Profile = "async"
)

// Dependency is one outgoing call of a service (an edge of the call graph)
// with every resilience policy resolved.
type Dependency struct {
	Name    string  `json:"name"`
	Kind    DepKind `json:"kind"`
	Profile Profile `json:"profile"`
	// Service is the callee of an internal dependency (a catalog service).
	Service string `json:"service,omitempty"`
	// Host and Port address an external, database, cache or upload
	// dependency; Protocol is HTTPS, HTTP, TLS or TCP.
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	Protocol string `json:"protocol,omitempty"`
	// Idempotent is false for calls that must never be retried blindly
	// (the mesh then never retries; the client retries only requests that
	// carry an Idempotency-Key). Unless the catalog says, it is true and
	// the client judges each request by its method; the mesh, which cannot,
	// owns the retries only of calls the catalog declares idempotent.
	Idempotent bool `json:"idempotent"`
	// Fallback describes what the caller does when the dependency fails; a
	// dependency with a fallback is soft (not counted in SLO feasibility).
	Fallback string `json:"fallback,omitempty"`
	// Traffic is the declared peak load on this edge: the edge's own, else
	// the callee's for internal dependencies; nil when unknown.
	Traffic  *Traffic `json:"traffic,omitempty"`
	Timeout  Timeouts `json:"timeout"`
	Retry    Retry    `json:"retry"`
	Breaker  Breaker  `json:"breaker"`
	Bulkhead Bulkhead `json:"bulkhead"`
	Ignores  []Ignore `json:"ignores,omitempty"`
	Pos      Pos      `json:"-"`
	Sources  Sources  `json:"-"`
}

// Synchronous reports whether the caller waits for the call (every profile but
// async): only synchronous calls form timeout hierarchies, retry
// amplification paths and SLO dependencies.
func (d *Dependency) Synchronous() bool { return d.Profile != ProfileAsync }

// Hard reports whether the caller fails when the dependency fails: a
// synchronous dependency without a declared fallback.
func (d *Dependency) Hard() bool { return d.Synchronous() && d.Fallback == "" }

// Timeouts bound a call.
type Timeouts struct {
	// Connect bounds establishing a connection.
	Connect time.Duration `json:"connect"`
	// PerTry bounds one attempt.
	PerTry time.Duration `json:"perTry"`
	// Total bounds the whole call, retries and backoff included.
	Total time.Duration `json:"total"`
}

// RetryOwner says who retries an edge. Exactly one does: retries multiply.
type RetryOwner string

// Retry owners.
const (
	OwnerMesh   RetryOwner = "mesh"
	OwnerClient RetryOwner = "client"
)

// Retry is an edge's retry policy.
type Retry struct {
	Owner RetryOwner `json:"owner"`
	// MaxRetries is the number of retries after the first attempt (Istio's
	// "attempts"); 0 disables retries.
	MaxRetries int `json:"maxRetries"`
	// InitialBackoff, MaxBackoff, Multiplier and Jitter shape the client's
	// exponential backoff (delay i = min(initial × multiplier^i, max) ± jitter).
	InitialBackoff time.Duration `json:"initialBackoff"`
	MaxBackoff     time.Duration `json:"maxBackoff"`
	Multiplier     float64       `json:"multiplier"`
	// Jitter is the relative spread of each delay, 0.2 for ±20 %.
	Jitter float64 `json:"jitter"`
}

// Attempts is the number of tries a call may make: 1 + MaxRetries.
func (r Retry) Attempts() int { return 1 + r.MaxRetries }

// Envoy retries with full jitter: before retry n (1-based) it waits a random
// time up to (2^n − 1) × base, capped at ten times the base. A VirtualService
// sets only the base (Istio's retries.backoff), which svcgen takes from the
// profile's initial backoff; MeshBackoffBase is Envoy's own when none is set.
const MeshBackoffBase = 25 * time.Millisecond

// Backoff returns the longest delay before retry i (0-based) under the
// owner's backoff: the client's exponential schedule with its jitter at the
// top of its range, or Envoy's for the mesh.
func (r Retry) Backoff(i int) time.Duration {
	if r.Owner == OwnerMesh {
		base := r.InitialBackoff
		if base <= 0 {
			base = MeshBackoffBase
		}
		n := min(i+1, 20)
		return min(time.Duration(1<<uint(n)-1)*base, 10*base)
	}
	d := float64(r.InitialBackoff) * math.Pow(r.Multiplier, float64(i))
	d = math.Min(d, float64(r.MaxBackoff))
	return time.Duration(math.Round(d * (1 + r.Jitter)))
}

// WorstCaseBackoff is the longest total time a call can spend waiting between
// its attempts.
func (r Retry) WorstCaseBackoff() time.Duration {
	var sum time.Duration
	for i := range r.MaxRetries {
		sum += r.Backoff(i)
	}
	return sum
}

// WorstCaseDuration is the longest a call can take by its retry policy: every
// attempt times out and every backoff is at its longest.
func (d *Dependency) WorstCaseDuration() time.Duration {
	return time.Duration(d.Retry.Attempts())*d.Timeout.PerTry + d.Retry.WorstCaseBackoff()
}

// BreakerWindow is how a circuit breaker counts recent calls.
type BreakerWindow string

// Breaker windows.
const (
	// WindowCount opens after Failures of the last Calls calls failed.
	WindowCount BreakerWindow = "count"
	// WindowTime opens when FailureRate of the calls within Period failed,
	// once at least MinCalls were made.
	WindowTime BreakerWindow = "time"
)

// Breaker is an edge's circuit breaker.
type Breaker struct {
	Window      BreakerWindow `json:"window"`
	Failures    int           `json:"failures,omitempty"`
	Calls       int           `json:"calls,omitempty"`
	FailureRate Percent       `json:"failureRate,omitzero"`
	Period      time.Duration `json:"period,omitempty"`
	MinCalls    int           `json:"minCalls,omitempty"`
	// OpenFor is how long the breaker stays open before it half-opens.
	OpenFor time.Duration `json:"openFor"`
	// HalfOpenCalls are the trial calls that must succeed to close it again.
	HalfOpenCalls int `json:"halfOpenCalls"`
	// SlowCall, when set, counts calls slower than it as failures.
	SlowCall time.Duration `json:"slowCall,omitempty"`
}

// Describe renders the opening condition: "5 of the last 10 calls" or
// "50% of calls in 30s (at least 20 calls)".
func (b Breaker) Describe() string {
	if b.Window == WindowTime {
		return b.FailureRate.String() + "% of calls in " + FormatDuration(b.Period) +
			" (at least " + strconv.Itoa(b.MinCalls) + " calls)"
	}
	return strconv.Itoa(b.Failures) + " of the last " + strconv.Itoa(b.Calls) + " calls"
}

// Isolation is how a bulkhead isolates an edge.
type Isolation string

// Isolation kinds.
const (
	// IsolationSemaphore limits concurrent calls; excess calls wait up to
	// MaxWait, then fail.
	IsolationSemaphore Isolation = "semaphore"
	// IsolationPool gives the edge its own pool: MaxConcurrent calls and a
	// queue of MaxQueue waiting ones.
	IsolationPool Isolation = "pool"
	// IsolationNone leaves the edge unbounded (fast, reliable calls: caches).
	IsolationNone Isolation = "none"
)

// Bulkhead bounds the calls in flight on an edge.
type Bulkhead struct {
	Isolation     Isolation     `json:"isolation"`
	MaxConcurrent int           `json:"maxConcurrent,omitempty"`
	MaxQueue      int           `json:"maxQueue,omitempty"`
	MaxWait       time.Duration `json:"maxWait,omitempty"`
}

func itoa(i int) string { return strconv.Itoa(i) }

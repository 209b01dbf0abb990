package istio

import (
	"math"
	"time"

	"github.com/svcgen/svcgen/catalog"
)

// What the mesh can enforce of an edge's policy, projected out of the catalog
// so that callers whose projections are equal share one route and one
// DestinationRule. Both types are comparable on purpose.

// routePolicy is what a caller's sidecar does with one request to a host:
// the route's timeout and retries.
type routePolicy struct {
	// Declared is false for traffic no catalog edge describes (a host without
	// catalog callers): the route then leaves timeout and retries to the
	// mesh's defaults.
	Declared bool
	Timeout  time.Duration
	// Attempts are the mesh's retries (Istio's attempts, Envoy's
	// num_retries); 0 disables them, including Istio's default of 2.
	Attempts int
	PerTry   time.Duration
	// Backoff is the base of Envoy's jittered backoff; 0 keeps Envoy's 25ms.
	Backoff time.Duration
}

// meshRetries reports whether the mesh retries an edge: only when the catalog
// makes the mesh the retry owner, the calls are idempotent, there are retries
// to make, and the sidecar sees HTTP. Otherwise the generated client retries,
// or nobody does.
func meshRetries(d *catalog.Dependency) bool {
	return d.Retry.Owner == catalog.OwnerMesh && d.Idempotent && d.Retry.MaxRetries > 0 && seesHTTP(d)
}

// seesHTTP reports whether the caller's sidecar sees the edge's requests as
// HTTP. A catalog service is always reached over its Service port named http;
// HTTPS, TLS and TCP are opaque bytes to the sidecar, which can then bound
// connections but neither time out nor retry a request.
func seesHTTP(d *catalog.Dependency) bool {
	return d.Kind == catalog.KindInternal || d.Protocol == "HTTP"
}

// routeFor projects an edge onto its route. When the mesh retries, the route
// times out after the edge's total and every attempt after its per-try
// timeout. When it does not, every request the sidecar sees is one attempt of
// the caller's (the client retries, if anyone does), so the route's timeout
// is the per-try timeout and retries are explicitly off: left unset, Istio
// would retry twice on its own and retries would multiply. An edge the
// sidecar cannot read has no route at all.
func routeFor(d *catalog.Dependency) routePolicy {
	if !seesHTTP(d) {
		return routePolicy{}
	}
	if meshRetries(d) {
		return routePolicy{
			Declared: true,
			Timeout:  d.Timeout.Total,
			Attempts: d.Retry.MaxRetries,
			PerTry:   d.Timeout.PerTry,
			Backoff:  d.Retry.InitialBackoff,
		}
	}
	return routePolicy{Declared: true, Timeout: d.Timeout.PerTry}
}

// poolPolicy is the DestinationRule half of an edge: connection pool from the
// bulkhead, outlier detection from the breaker.
type poolPolicy struct {
	// HTTP is set when the sidecar sees requests (request limits apply);
	// otherwise only connection limits do.
	HTTP    bool
	Connect time.Duration
	// MaxConnections, MaxRequests and MaxPending are 0 for an unbounded edge
	// (isolation none).
	MaxConnections int
	MaxRequests    int
	MaxPending     int
	// Consecutive5xx ejects a host after that many consecutive failures
	// (for TCP: connect timeouts and connection failures).
	Consecutive5xx int
	Interval       time.Duration
	Ejection       time.Duration
}

// poolFor projects an edge onto its DestinationRule policy.
//
// Bulkhead: a sidecar holds MaxConcurrent requests in flight (one connection
// each under HTTP/1.1, and at most that many requests under HTTP/2) and
// queues MaxQueue more. Istio cannot express an empty queue (0 means
// unlimited), so a bulkhead without one gets a queue of one request.
//
// Breaker: Envoy ejects hosts after consecutive failures; it has no "N of the
// last M" window, and Istio does not pass on failure-percentage ejection. A
// count breaker ejects after its failure count; a time breaker after the
// failures its rate allows in its minimum number of calls (50% of 10 calls:
// 5). The ejection lasts the breaker's open time (Envoy multiplies it by the
// number of times the host was ejected); there is no half-open probe count.
func poolFor(d *catalog.Dependency) poolPolicy {
	p := poolPolicy{
		HTTP:     seesHTTP(d),
		Connect:  d.Timeout.Connect,
		Interval: min(d.Breaker.OpenFor, MaxSweepInterval),
		Ejection: d.Breaker.OpenFor,
	}
	if b := d.Bulkhead; b.Isolation != catalog.IsolationNone && b.MaxConcurrent > 0 {
		p.MaxConnections = b.MaxConcurrent
		if p.HTTP {
			p.MaxRequests = b.MaxConcurrent
			p.MaxPending = max(b.MaxQueue, 1)
		}
	}
	if d.Breaker.Window == catalog.WindowTime {
		// The epsilon keeps 10 × 30% at 3 where floating point says 3.0000000000000004.
		p.Consecutive5xx = int(math.Ceil(float64(d.Breaker.MinCalls)*d.Breaker.FailureRate.Float64()/100 - 1e-9))
	} else {
		p.Consecutive5xx = d.Breaker.Failures
	}
	p.Consecutive5xx = max(p.Consecutive5xx, 1)
	return p
}

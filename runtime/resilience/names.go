package resilience

// Names of the client metrics and their labels. The rules, alerts and
// dashboards svcgen generates read these names (svcgen keeps its own copy of
// them and a test holds the two equal).
const (
	// MetricRequests counts calls by dependency and outcome.
	MetricRequests = "svcgen_client_requests_total"
	// MetricRequestDuration is a histogram of whole-call durations by
	// dependency, retries and backoff included.
	MetricRequestDuration = "svcgen_client_request_duration_seconds"
	// MetricRetries counts the retries the client made, by dependency.
	MetricRetries = "svcgen_client_retries_total"
	// MetricBreakerState is 1 for the breaker's current state and 0 for the
	// others, by dependency and state.
	MetricBreakerState = "svcgen_client_circuit_breaker_state"
	// MetricBulkheadRejections counts calls the bulkhead refused.
	MetricBulkheadRejections = "svcgen_client_bulkhead_rejections_total"
	// MetricInFlight is the number of attempts in flight to a dependency:
	// those inside its bulkhead, or, without one, all that were sent and not
	// answered yet.
	MetricInFlight = "svcgen_client_in_flight_requests"
	// MetricBulkheadMaxConcurrent is the bulkhead's MaxConcurrent, the bound
	// of MetricInFlight; only dependencies with a bulkhead export it.
	MetricBulkheadMaxConcurrent = "svcgen_client_bulkhead_max_concurrent"

	// LabelDependency names the dependency on every client metric.
	LabelDependency = "dependency"
	// LabelOutcome is one of the outcomes below, on MetricRequests.
	LabelOutcome = "outcome"
	// LabelState is one of the states below, on MetricBreakerState.
	LabelState = "state"
)

// Outcomes of a call, the values of LabelOutcome.
const (
	OutcomeSuccess      = "success"       // a response other than 5xx and 429 (or a guarded function's nil or expected error)
	OutcomeError        = "error"         // a transport error, a 5xx or a 429 response
	OutcomeTimeout      = "timeout"       // the per-try or total timeout, or the caller's deadline, ended the call
	OutcomeBreakerOpen  = "breaker_open"  // the circuit breaker refused the call
	OutcomeBulkheadFull = "bulkhead_full" // the bulkhead refused the call
	OutcomeCanceled     = "canceled"      // the caller canceled the call
)

// States of a circuit breaker, the values of LabelState.
const (
	StateClosed   = "closed"
	StateOpen     = "open"
	StateHalfOpen = "half_open"
)

// outcomes and states list the label values in the order the metrics
// initialise their series.
var (
	outcomes = []string{OutcomeSuccess, OutcomeError, OutcomeTimeout, OutcomeBreakerOpen, OutcomeBulkheadFull, OutcomeCanceled}
	states   = []string{StateClosed, StateOpen, StateHalfOpen}
)

package resilience

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/catalog"
)

// The declarations below are what the emitter writes into the generated
// file beside resilience.go, from the catalog; this file is not copied.

const (
	metricRequests           = catalog.ClientRequests
	metricRequestDuration    = catalog.ClientRequestDuration
	metricRetries            = catalog.ClientRetries
	metricBreakerState       = catalog.ClientBreakerState
	metricBulkheadRejections = catalog.ClientBulkheadRejections

	labelDependency = catalog.ClientLabelDependency
	labelOutcome    = catalog.ClientLabelOutcome
	labelState      = catalog.ClientLabelState

	outcomeSuccess      = catalog.ClientOutcomeSuccess
	outcomeError        = catalog.ClientOutcomeError
	outcomeTimeout      = catalog.ClientOutcomeTimeout
	outcomeBreakerOpen  = catalog.ClientOutcomeBreakerOpen
	outcomeBulkheadFull = catalog.ClientOutcomeBulkheadFull
	outcomeCanceled     = catalog.ClientOutcomeCanceled

	stateClosed   = catalog.ClientStateClosed
	stateOpen     = catalog.ClientStateOpen
	stateHalfOpen = catalog.ClientStateHalfOpen
)

var durationBuckets = prometheus.DefBuckets

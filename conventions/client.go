package conventions

import "strings"

// Metrics the generated Go clients export (package emitters/goclient), read by
// the Prometheus target's breaker alert and the Grafana dependency rows. The
// calling service is identified by the scrape target's service label; these
// metrics add only the dependency and what happened.
const (
	// ClientRequests counts calls by dependency and outcome.
	ClientRequests = "svcgen_client_requests_total"
	// ClientRequestDuration is a histogram of whole-call durations by dependency.
	ClientRequestDuration = "svcgen_client_request_duration_seconds"
	// ClientRetries counts retries by dependency.
	ClientRetries = "svcgen_client_retries_total"
	// ClientBreakerState is 1 for the breaker's current state and 0 for the
	// others, by dependency and state.
	ClientBreakerState = "svcgen_client_circuit_breaker_state"
	// ClientBulkheadRejections counts calls the bulkhead refused.
	ClientBulkheadRejections = "svcgen_client_bulkhead_rejections_total"
	// ClientInFlight is a gauge of the attempts in flight to a dependency:
	// inside its bulkhead or, without one, sent and not yet answered.
	ClientInFlight = "svcgen_client_in_flight_requests"
	// ClientBulkheadMaxConcurrent is a gauge of the bulkhead's
	// maxConcurrent, the bound of ClientInFlight; exported only where a
	// bulkhead exists.
	ClientBulkheadMaxConcurrent = "svcgen_client_bulkhead_max_concurrent"

	// ClientLabelDependency names the dependency on every client metric.
	ClientLabelDependency = "dependency"
	// ClientLabelOutcome is one of ClientOutcomes on ClientRequests.
	ClientLabelOutcome = "outcome"
	// ClientLabelState is one of ClientStates on ClientBreakerState.
	ClientLabelState = "state"
)

// Label values of the client metrics that the generated Go clients write and
// that rules and dashboards select on.
const (
	// Outcomes of a call on ClientRequests.
	ClientOutcomeSuccess      = "success"       // a response other than 5xx and 429 (or a guarded function's nil error)
	ClientOutcomeError        = "error"         // a transport error, a 5xx or a 429 response
	ClientOutcomeTimeout      = "timeout"       // the per-try or total timeout, or the caller's deadline, ended the call
	ClientOutcomeBreakerOpen  = "breaker_open"  // the circuit breaker refused the call
	ClientOutcomeBulkheadFull = "bulkhead_full" // the bulkhead refused the call
	ClientOutcomeCanceled     = "canceled"      // the caller canceled the call
	// States of a circuit breaker on ClientBreakerState (failsafe-go's
	// three breaker states).
	ClientStateClosed   = "closed"
	ClientStateOpen     = "open"
	ClientStateHalfOpen = "half_open"
)

// ClientOutcomes lists the outcomes in the order clients initialise their
// series.
var ClientOutcomes = []string{
	ClientOutcomeSuccess, ClientOutcomeError, ClientOutcomeTimeout,
	ClientOutcomeBreakerOpen, ClientOutcomeBulkheadFull, ClientOutcomeCanceled,
}

// ClientStates lists the circuit breaker states.
var ClientStates = []string{ClientStateClosed, ClientStateOpen, ClientStateHalfOpen}

// GoIdentifier turns a DNS-1123 label into the exported Go identifier the
// generated client package derives a dependency's names from: each
// hyphen-separated word capitalised, common initialisms in capitals
// (payments-db → PaymentsDB, api-gateway → APIGateway), and an X in front
// of a label that starts with a digit (2fa → X2fa). Different labels can give
// the same identifier (redis-2 and redis2); the compiler refuses that within
// one service.
func GoIdentifier(label string) string {
	var b strings.Builder
	for _, word := range strings.Split(label, "-") {
		if word == "" {
			continue
		}
		if up := strings.ToUpper(word); goInitialisms[up] {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	id := b.String()
	if id == "" || id[0] < 'A' || id[0] > 'Z' {
		id = "X" + id
	}
	return id
}

// goInitialisms are the initialisms Go style writes in one case (staticcheck's
// ST1003 list).
var goInitialisms = map[string]bool{
	"ACL": true, "AMQP": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DB": true,
	"DNS": true, "EOF": true, "GID": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true,
	"ID": true, "IP": true, "JSON": true, "QPS": true, "RAM": true, "RPC": true, "RTP": true,
	"SIP": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true,
	"TS": true, "TTL": true, "UDP": true, "UI": true, "UID": true, "URI": true, "URL": true,
	"UTF8": true, "UUID": true, "VM": true, "XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// GoDir is the directory, under the output directory, of the generated Go
// packages; the dashboards name it where they say where a client's metrics
// come from.
const GoDir = "go"

// GoPackageDir is the directory of the package generated for a calling
// service: go/<service>. The service name is a DNS label, which is a valid
// and distinct import path element, so directories never collide.
func GoPackageDir(service string) string { return GoDir + "/" + service }

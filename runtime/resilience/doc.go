// Package resilience is the runtime of the Go packages svcgen generates: the
// Policy types, and the HTTP clients and Guards that enforce a dependency's
// timeouts, retries, circuit breaker and bulkhead, with their Prometheus
// metrics.
//
// Input: a Policy per dependency, which a generated dependencies.go declares
// from the catalog. Output: *http.Client, http.RoundTripper and *Guard values.
//
// Generated packages import this package, the way protobuf-go's generated
// code imports protoimpl, and check at compile time that they and the runtime
// agree (see EnforceVersion). The runtime is its own module,
// github.com/svcgen/svcgen/runtime, whose only dependencies are failsafe-go
// and client_golang.
//
// A call passes, outermost first, through the total timeout, the retry
// policy, the circuit breaker, the bulkhead and the per-try timeout. The
// retry policy and the circuit breaker are failsafe-go's, the bulkhead is
// failsafe-go's semaphore; every duration the runtime waits or measures — the
// timeouts, the backoff, the bulkhead's wait, the breaker's open time, the
// slow-call threshold, the call durations — is read from a Clock (WithClock),
// so that tests control time instead of depending on the machine's speed.
// Only the connect timeout (the dialer's) and a time-window breaker's
// buckets (failsafe-go v0.9.8 offers no clock for them) follow the wall
// clock.
package resilience

// Package resilience is the runtime of the Go packages svcgen generates: the
// Policy types, the HTTP clients and Guards that enforce a dependency's
// timeouts, retries, circuit breaker and bulkhead on failsafe-go, and their
// Prometheus metrics.
//
// Input: a Policy per dependency, which a generated dependencies.go declares
// from the catalog. Output: *http.Client, http.RoundTripper and *Guard values.
//
// The emitter copies resilience.go verbatim, but for its package clause,
// into every generated package; generated.go stands in for the
// declarations the emitter writes beside it, and this file is not copied.
package resilience

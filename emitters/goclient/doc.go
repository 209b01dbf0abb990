// Package goclient emits, for every service that has dependencies, a Go
// package its developers import to call those dependencies with exactly the
// policies of the catalog, on github.com/failsafe-go/failsafe-go and
// github.com/prometheus/client_golang.
//
// Input: a *catalog.Catalog. Output: per calling service, go/<service>/ with
//
//   - dependencies.go: the package documentation; per dependency a function
//     returning its resolved Policy, and either constructors of an
//     *http.Client and its http.RoundTripper (dependencies that speak HTTP or
//     HTTPS) or of a Guard (databases, caches, anything over TCP or TLS);
//     the client metric names of catalog/names.go and the histogram buckets.
//   - resilience.go: the runtime, a copy of package resilience with the
//     package clause renamed.
//
// The directory is the service name, a DNS label and so a valid import path
// element; the package name is the name without hyphens (see PackageName).
// Both files are gofmt'd and start with the generated-code header.
package goclient

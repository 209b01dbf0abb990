// Package goclient emits, for every service that has dependencies, a Go
// package its developers import to call those dependencies with exactly the
// policies of the catalog.
//
// Input: a *catalog.Catalog. Output: per calling service, go/<service>/
// dependencies.go: the package documentation; per dependency a function
// returning its resolved Policy, and either constructors of an *http.Client
// and its http.RoundTripper (dependencies that speak HTTP or HTTPS) or of a
// Guard (databases, caches, anything over TCP or TLS); the histogram
// buckets; and the runtime's types and options under the package's names.
//
// The generated code carries no runtime: it imports package resilience of
// module github.com/svcgen/svcgen/runtime (the runtime directory of this
// repository), as protobuf-go's generated code imports protoimpl, and checks
// at compile time that the runtime supports the version it was generated
// for (GenVersion).
//
// The directory is the service name, a DNS label and so a valid import path
// element; the package name is the name without hyphens (see PackageName).
// The file is laid out as gofmt would and starts with the generated-code
// header.
package goclient

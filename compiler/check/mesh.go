package check

import "github.com/svcgen/svcgen/catalog"

// What the Istio target makes of an edge, for the mesh-* rules (the emitter
// in emitters/istio projects edges the same way; its tests hold the rules to
// it).

// meshSeesHTTP reports whether the caller's sidecar sees the edge's requests:
// a catalog service is reached on its Service port named http; HTTPS, TLS
// and TCP are opaque bytes to a sidecar.
func meshSeesHTTP(d *catalog.Dependency) bool {
	return d.Kind == catalog.KindInternal || d.Protocol == "HTTP"
}

// meshRetries reports whether the mesh retries the edge.
func meshRetries(d *catalog.Dependency) bool {
	return meshSeesHTTP(d) && d.Retry.Owner == catalog.OwnerMesh && d.Idempotent && d.Retry.MaxRetries > 0
}

// meshObjects reports whether the mesh gets objects for the edge at all: a
// database or cache without a host is invisible to it.
func meshObjects(d *catalog.Dependency) bool {
	return d.Kind == catalog.KindInternal || d.Host != ""
}

// meshDefaultRetries is the number of retries Istio's default retry policy
// makes (on connect failures, refused streams and 503) on HTTP routes no
// VirtualService configures.
const meshDefaultRetries = 2

// meshRetriesByDefault reports whether the caller's sidecar retries the edge
// by Istio's default policy: it sees HTTP, but the Istio target writes no
// route for the edge (a database, cache or upload without a host), so
// nothing turns the default retries off.
func meshRetriesByDefault(d *catalog.Dependency) bool {
	return meshSeesHTTP(d) && !meshObjects(d)
}

// clientRetries reports whether the generated client retries the edge.
func clientRetries(d *catalog.Dependency) bool {
	return d.Retry.Owner == catalog.OwnerClient && d.Retry.MaxRetries > 0
}

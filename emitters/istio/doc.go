// Package istio emits the Istio objects that make the mesh enforce what the
// catalog declares for each call between services: timeouts and retries
// (VirtualService), connection pools from bulkheads and outlier detection
// from circuit breakers (DestinationRule), canary and blue-green routing to
// the Kubernetes emitter's Deployments, and ServiceEntries for hosts outside
// the mesh.
//
// Input: a checked *catalog.Catalog. Output: istio/<service>.yaml, one
// multi-document YAML file per service holding the objects of the service's
// own host and of the outside hosts it is the first caller of, each built
// from istio.io/api networking/v1 types and marshalled with protojson.
//
// One retry owner per edge: the mesh retries only edges the catalog gives to
// the mesh (idempotent, over HTTP). Every other route says attempts: 0, or
// Istio's default retries would stack on the generated client's.
package istio

// Package grafana emits a Grafana dashboard per service and an SLO overview,
// built with the types and builders of github.com/grafana/grafana-foundation-sdk
// (dashboard schema version 42, Grafana 12).
//
// Input: a checked *catalog.Catalog. Output:
//
//   - grafana/<service>.json, uid conventions.DashboardUID(service) (the uid the
//     alerts' dashboard links point at), tagged svcgen, team:<team> and
//     tier:<tier>, with rows for
//     the golden signals: request rate, error ratio against the tier's
//     HighErrorRate limit, p50/p95/p99 latency against the tier's
//     HighLatency limit and the latency SLOs' thresholds, and CPU, memory
//     and CPU throttling per pod against the container's requests and limits;
//     each SLO: compliance over its period against its objective, the error
//     budget left against the 50 % / 20 % policy, and the burn rate over the
//     current window and each alert's long window against the page and
//     ticket factors;
//     the dependencies, from the metrics of the service's generated client
//     (go/<service>): calls, failed share, failures by outcome, circuit
//     breaker states, bulkhead rejections, retries, and each dependency's
//     latency against its per-try and total timeouts.
//   - grafana/slo-overview.json, uid conventions.OverviewDashboardUID: counts of
//     the SLOs in trouble, then a row per team with a table of its services'
//     SLOs (objective, compliance, budget left, current burn rate), sorted by
//     the budget left, ascending: worst first.
//
// Every dashboard has a data source variable and a cluster variable (the
// cluster label a global view or federation adds; empty, and so matching
// unlabelled series, where there is none). Panels read the Prometheus
// emitter's recording rules wherever one exists (conventions/records.go:
// the numbers the alerts see, and cheap); raw rates run over
// $__rate_interval. Saturation comes from the kubelet's cAdvisor series,
// selected by namespace and container name; requests and limits are the
// catalog's, drawn as lines (see names.go). Every unit, decimal count,
// threshold, legend and tooltip is set: the SDK leaves several of them empty
// unless told, and Grafana's own defaults would say things the catalog did
// not.
//
// Panel queries are PromQL syntax trees built with the builder the
// Prometheus target uses (emitters/promql), printed in the dashboards'
// layout with Grafana's variables in them (promql.go), and parsed by the
// PromQL parser in the tests, which also check every recording rule a panel reads against the
// Prometheus emitter's output for the same catalog. Dashboards are
// read-only, with stable panel ids and no timestamps or versions.
package grafana

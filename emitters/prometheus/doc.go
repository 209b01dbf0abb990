// Package prometheus emits each service's Prometheus rules and a promtool
// unit test that proves they behave.
//
// Input: a checked *catalog.Catalog. Output, per service:
//
//   - prometheus/<service>.rules.yml: one rule group per SLO (SLI recording
//     rules for every burn window and the period, SLO metadata, the
//     multiwindow multi-burn-rate page and ticket alerts, the error-budget
//     alerts), a group of golden-signal alerts (ServiceDown, HighErrorRate,
//     HighLatency, SLIMetricsAbsent) and, for services with dependencies, a
//     CircuitBreakerOpen alert per dependency on the generated clients'
//     breaker metric. Groups are evaluated at the tier's interval.
//   - prometheus/<service>.test.yml: a `promtool test rules` file for the
//     sibling rules file: zero traffic (nothing fires, nothing NaN is
//     recorded), missing instrumentation, a target down, breakers opening,
//     and per SLO a fast and a slow page burn, a ticket burn, a quiet burn
//     and a low-traffic guard. Which alerts fire when is predicted by an
//     exact model of the scenarios (model.go), so the tests follow the
//     catalog's objectives, periods and guards.
//
// Rules are rulefmt types marshalled with yaml.v3; every expression is a
// PromQL syntax tree printed by the parser's printer, so label values from
// the catalog are quoted by it. Names Grafana reads are in
// package conventions (records.go); names of this target in names.go.
package prometheus

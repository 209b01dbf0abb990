// Package openslo reads and writes OpenSLO v1 documents.
//
// Import — input: OpenSLO v1 objects (Parse decodes them strictly and checks
// the specification's rules); output: a draft.Catalog, warnings for what
// was dropped and positioned errors for what the catalog cannot express
// (composite SLOs, time-slice budgeting, threshold and raw metrics,
// calendar windows, non-Prometheus sources).
//
// Export — input: a compiled *catalog.Catalog; output: Service, SLI, SLO,
// AlertCondition, AlertPolicy and AlertNotificationTarget objects, with
// svcgen.dev/ annotations for what OpenSLO has no field for, so that
// importing an export restores the catalog (see the round-trip test).
package openslo

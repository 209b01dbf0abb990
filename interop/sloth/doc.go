// Package sloth imports Sloth SLO specs into a svcgen catalog.
//
// Input: files holding Sloth prometheus/v1 specs or sloth.slok.dev/v1
// PrometheusServiceLevel objects. Output: a draft.Catalog (one service per
// Sloth service, its event SLIs as custom SLIs with {{.window}}), warnings
// naming everything dropped, and positioned errors for what the catalog
// cannot express (SLI and SLO plugins, raw error-ratio SLIs).
package sloth

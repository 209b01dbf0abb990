// Package alertmanager emits the Alertmanager configuration that routes the
// alerts of the Prometheus emitter to the teams that own the services.
//
// Input: a *catalog.Catalog whose teams have their paging (Page) and
// notification (Notify) receivers resolved. Output: one file,
// alertmanager/alertmanager.yml, with
//
//   - a root route to the catalog's default receiver, grouping by alertname,
//     cluster and service;
//   - one route per team (matcher on the team label) with a critical and a
//     warning route under it, each with the seed's timings;
//   - the receivers those routes name, every secret read from a file;
//   - inhibit rules that silence symptoms (ServiceDown over error rate and
//     latency), a warning under the critical alert of the same alertname, and
//     an SLO ticket under the page of the same SLO.
//
// Where an alert goes, for a team t (TeamRouting):
//
//   - critical: t's paging receiver; for a team without one, its chat or mail
//     receiver (its own people hear of it at once, with the critical pace);
//     for a team with neither, the default receiver;
//   - warning: t's chat or mail receiver, else the default receiver — never a
//     pager, and still at the warning pace;
//   - any other or no severity: as a warning, at the root's pace;
//   - no team label, or a team the catalog does not know: the default
//     receiver.
//
// The YAML is built from the package's own small structs, not from
// Alertmanager's config types: those re-marshal every secret and file-read
// URL as "<secret>". Tests load the output with Alertmanager's own
// config.Load and route it with its dispatch code (package amtest).
package alertmanager

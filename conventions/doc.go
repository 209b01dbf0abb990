// Package conventions holds the names that more than one part of svcgen
// must spell the same way: the metrics the generated Go clients export and
// the rules and dashboards select on, the recording rules the Prometheus
// target writes and the Grafana target reads, the alert names and labels the
// rules carry and the Alertmanager routes and inhibit rules match, the
// dashboard uids and tags the alerts link to, the pod labels the Kubernetes
// target sets and the Istio target selects on, and the Go identifiers the
// compiler checks for collisions before the Go target uses them.
//
// Which targets agree through it:
//
//   - client metrics and their label values, and the generated packages'
//     directory (client.go): goclient writes them; prometheus
//     (CircuitBreakerOpen) and grafana (dependency rows) read the metrics,
//     and grafana's descriptions name the directory;
//   - recording rules, the error-budget policy's thresholds, and the raw
//     series both read (up, histogram buckets) (records.go): prometheus
//     writes the rules and alerts on the policy; grafana reads the rules and
//     colours by the policy;
//   - alert names, alert labels, severities, annotations (alerts.go):
//     prometheus writes them; alertmanager groups, routes and inhibits on
//     them and its notifications read the annotations; grafana describes
//     them;
//   - dashboard uids, tags and URLs (grafana.go): grafana writes them;
//     prometheus links alerts to them; the compiler checks them;
//   - pod and object labels and in-mesh hosts (kubernetes.go): kubernetes
//     writes them; istio selects on them and labels its objects the same
//     way; the compiler and goclient address services by Host. (The subset
//     names, stable and canary, are the model's: catalog.Workload.)
//
// A name only one target uses stays in that target's names.go.
//
// The package imports nothing of svcgen's (a test holds it to that), so the
// model, the compiler, every target and the generated Go runtime can read it.
package conventions

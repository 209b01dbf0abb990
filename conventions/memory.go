package conventions

import "time"

// The memory-leak alert (the seed's second incident case): the Prometheus
// emitter writes it, the runbook emitter documents it.

// AlertMemoryExhaustion warns when a service's working set is predicted to
// reach its memory limit (severity warning: a leak takes hours, an
// out-of-memory kill restarts one pod, and the fix is a release).
const AlertMemoryExhaustion = "MemoryExhaustionPredicted"

// MemoryWorkingSet is cAdvisor's per-container working set (what the kubelet
// compares with the limit before an OOM kill), labelled namespace, pod and
// container; the container is named after the service.
const MemoryWorkingSet = "container_memory_working_set_bytes"

// Timing of AlertMemoryExhaustion.
const (
	// MemoryTrendWindow is the range predict_linear fits a line through:
	// six hours, long against garbage-collection sawtooth and request
	// bursts (minutes), short enough that a leak that began this morning
	// dominates the fit.
	MemoryTrendWindow = 6 * time.Hour
	// MemoryHorizon is how far ahead the line is extended: a pod predicted
	// to hit its limit within four hours can still be handled in working
	// hours, by a restart now and a fixed release later.
	MemoryHorizon = 4 * time.Hour
	// MemoryFor keeps a single steep stretch (a cache warming after a
	// start) from warning: the prediction must hold for half an hour.
	MemoryFor = 30 * time.Minute
)

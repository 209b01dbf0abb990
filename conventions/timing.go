package conventions

import "time"

// How long each alert's condition must hold before it fires (its rule's
// `for:`), which the Prometheus target writes and the runbooks and the
// OpenSLO export state. A rule's `for:` is never shorter than its group's
// evaluation interval; the targets apply that floor themselves.
const (
	// ForServiceDown, ForHighErrorRate and ForHighLatency are the seed's.
	ForServiceDown   = time.Minute
	ForHighErrorRate = 5 * time.Minute
	ForHighLatency   = 5 * time.Minute
	// ForAbsent: instrumentation is broken, not just between scrapes.
	ForAbsent = 10 * time.Minute
	// ForPage is short: the short window of each pair already keeps a page
	// from firing on a blip and resets it quickly once the burn stops.
	ForPage = 2 * time.Minute
	// ForTicket and ForBudget: slow signals, no reason to hurry.
	ForTicket = 15 * time.Minute
	ForBudget = 15 * time.Minute
	// ForBulkhead: a pool that stays nearly full, not a burst.
	ForBulkhead = 5 * time.Minute

	// GoldenWindow is the range of the golden-signal queries.
	GoldenWindow = 5 * time.Minute
)

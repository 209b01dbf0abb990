package compiler

import (
	"fmt"
	"time"

	"github.com/svcgen/svcgen/catalog"
)

// fitRetryBudget makes an edge's defaults fit its total timeout.
//
// The seed's matrices disagree with themselves: an internal call has 5 s per
// try, 10 s in total and 3 retries, and four 5 s attempts do not fit in 10 s.
// The total timeout is the budget the caller's own caller waits on, so it
// wins: a per-try timeout the user did not write is shortened until every
// attempt and every backoff fits the total, and where that would leave less
// than a quarter of the kind's per-try timeout, a retry count the user did not
// write is lowered instead. Values the user wrote are never changed; when they
// do not fit, the retry-budget check says so.
func fitRetryBudget(d *catalog.Dependency) {
	if d.WorstCaseDuration() <= d.Timeout.Total {
		return
	}
	src := d.Sources
	perTryFixed := src["timeout.perTry"].Default == ""
	retriesFixed := src["retry.maxRetries"].Default == ""
	if perTryFixed && retriesFixed {
		return
	}
	fromRetries := d.Retry.MaxRetries
	retriesSrc := src["retry.maxRetries"]
	if perTryFixed {
		for d.Retry.MaxRetries > 0 && d.WorstCaseDuration() > d.Timeout.Total {
			d.Retry.MaxRetries--
		}
	} else {
		kindPerTry := d.Timeout.PerTry
		perTrySrc := src["timeout.perTry"]
		for {
			backoff := d.Retry.WorstCaseBackoff()
			p := ((d.Timeout.Total - backoff) / time.Duration(d.Retry.Attempts())).Truncate(10 * time.Millisecond)
			if p >= kindPerTry/4 || retriesFixed || d.Retry.MaxRetries == 0 {
				if p > 0 && p < kindPerTry {
					d.Timeout.PerTry = p
					src["timeout.perTry"] = catalog.Source{Pos: perTrySrc.Pos, Default: fmt.Sprintf(
						"fitted to the total: (%s − %s backoff) / %d attempts, under %s",
						catalog.FormatDuration(d.Timeout.Total), catalog.FormatDuration(backoff),
						d.Retry.Attempts(), perTrySrc)}
				}
				break
			}
			d.Retry.MaxRetries--
		}
	}
	if d.Retry.MaxRetries != fromRetries {
		src["retry.maxRetries"] = catalog.Source{Pos: retriesSrc.Pos, Default: fmt.Sprintf(
			"lowered from %d (%s) to fit total %s", fromRetries, retriesSrc, catalog.FormatDuration(d.Timeout.Total))}
	}
}

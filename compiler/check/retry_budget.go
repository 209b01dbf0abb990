package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

var retryBudget = &Rule{
	ID:       "retry-budget",
	Doc:      "every attempt of an edge at its per-try timeout, plus the longest backoff between them, must fit in its total timeout",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			for _, d := range s.Dependencies {
				worst := d.WorstCaseDuration()
				if worst <= d.Timeout.Total {
					continue
				}
				// The total is what the caller's own caller waits on, so the
				// per-try timeout and the retry count are what to change;
				// point at whichever of them the catalog wrote.
				pos, related := budgetPositions(d)
				f := p.Report(pos, Subject(s, d),
					"dependency %s: %d attempts × %s per try + %s backoff = %s, longer than the total timeout %s: the total would cut the last attempt short; lower timeout.perTry or retry.maxRetries, or raise timeout.total to %s",
					d.Name, d.Retry.Attempts(), catalog.FormatDuration(d.Timeout.PerTry),
					catalog.FormatDuration(d.Retry.WorstCaseBackoff()), catalog.FormatDuration(worst),
					catalog.FormatDuration(d.Timeout.Total), catalog.FormatDuration(worst))
				f.Related = related
			}
		}
	},
}

// budgetPositions returns where the finding goes (the first of per-try
// timeout, retry count and total the catalog wrote) and the others the
// catalog wrote, as related positions.
func budgetPositions(d *catalog.Dependency) (catalog.Pos, []diag.Related) {
	var pos catalog.Pos
	var related []diag.Related
	for _, f := range []struct{ key, what string }{
		{"timeout.perTry", "per-try timeout"},
		{"retry.maxRetries", "retry count"},
		{"timeout.total", "total timeout"},
	} {
		src, ok := d.Sources[f.key]
		if !ok || src.Default != "" || !src.Pos.IsValid() {
			continue
		}
		if !pos.IsValid() {
			pos = src.Pos
			continue
		}
		related = append(related, diag.Related{Pos: src.Pos, Message: f.what + " set here"})
	}
	if !pos.IsValid() {
		pos = d.Pos
		// Derived values: point at what they were derived within.
		for _, key := range []string{"timeout.total", "timeout.perTry"} {
			if src := d.Sources[key]; src.Default != "" && src.Pos.IsValid() {
				related = append(related, diag.Related{Pos: src.Pos, Message: key + " is derived within the value written here"})
				break
			}
		}
	}
	return pos, related
}

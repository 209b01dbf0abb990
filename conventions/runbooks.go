package conventions

import (
	"strings"
	"unicode"
)

// Runbooks: the runbook target writes one Markdown page per service with a
// section per alert; every alert's runbook_url points at its section. Both
// sides build the heading and its anchor here.

// RunbookDir is the directory the runbook target writes under.
const RunbookDir = "runbooks"

// RunbookPath is the runbook page of a service.
func RunbookPath(service string) string { return RunbookDir + "/" + service + ".md" }

// RunbookHeading is the heading of an alert's section: the alert name, and
// the SLO or dependency that tells its instances apart ("" for none), as
// "ErrorBudgetBurnFast: availability".
func RunbookHeading(alert, qualifier string) string {
	if qualifier == "" {
		return alert
	}
	return alert + ": " + qualifier
}

// Slug is the anchor GitHub (and most Markdown renderers after it) gives a
// heading: lower-cased, every character but letters, digits, spaces, hyphens
// and underscores dropped, spaces turned into hyphens.
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DefaultRunbook is the runbook URL of a service that sets none: the base
// URL (settings.links.runbooks) and the service name, where the generated
// page is published.
func DefaultRunbook(base, service string) string { return base + "/" + service }

// RunbookURL is the runbook_url of an alert of a service whose runbook is
// runbook: its section of the generated page when runbook is the default,
// else the service's own URL as the catalog gives it (a page svcgen did not
// write has no sections it knows of).
func RunbookURL(base, service, runbook, alert, qualifier string) string {
	if runbook != DefaultRunbook(base, service) {
		return runbook
	}
	return runbook + "#" + Slug(RunbookHeading(alert, qualifier))
}

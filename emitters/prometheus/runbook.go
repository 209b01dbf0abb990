package prometheus

import "github.com/svcgen/svcgen/conventions"

// linkRunbooks points every alert's runbook_url at its own section of the
// service's generated runbook (conventions.RunbookURL): the SLO or
// dependency label tells apart the instances of one alert name. It runs
// once, after every alert is built, so that the alerts' builders stay as
// they are.
func (sr *serviceRules) linkRunbooks() {
	base := sr.env.c.Settings.Links.Runbooks
	for _, a := range sr.allAlerts() {
		q := a.labels[conventions.AlertLabelSLO]
		if q == "" {
			q = a.labels[labelDependency]
		}
		a.annotations[conventions.AnnotationRunbook] = conventions.RunbookURL(base, sr.s.Name, sr.s.Runbook, a.name, q)
	}
}

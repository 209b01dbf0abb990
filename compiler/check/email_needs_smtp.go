package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
)

var emailNeedsSMTP = &Rule{
	ID:       "email-needs-smtp",
	Doc:      "an email receiver needs settings.alerting.smtp (from and smarthost) to send through",
	Severity: diag.Error,
	Run: func(p *Pass) {
		if p.Catalog.Settings.Alerting.SMTP != nil {
			return
		}
		for _, t := range p.Catalog.Teams {
			if t.Email != nil {
				p.Report(t.Sources.Pos("receivers.email", t.Pos), "",
					"team %s has an email receiver but the catalog sets no mail relay: add settings: alerting: smtp: {from: ..., smarthost: \"host:587\"}", t.Name)
			}
		}
	},
}

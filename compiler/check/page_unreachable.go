package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
)

// The paging policy (README "Paging policy") pages a person for two things:
// an SLO burning its budget fast (or, without an availability SLO, the error
// rate) and the whole service down. A tier or service override may change
// severities and turn classes off, but not so far that one of the two can no
// longer page.
var pageUnreachable = &Rule{
	ID:       "page-unreachable",
	Doc:      "alert overrides must leave a service a page for a fast burn (or its error rate) and for the whole service down",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			down := s.Policy(catalog.AlertClassServiceDown)
			if !down.Pages() {
				p.Report(down.Pos.Or(s.Pos), s.Name,
					"service %s: alerting.alerts.serviceDown is %s, so nobody is paged when the whole service is down: "+
						"keep it enabled with severity \"critical\" (route it to a quieter receiver instead)", s.Name, describePolicy(down))
			}
			burn, rate := s.Policy(catalog.AlertClassBurnPage), s.Policy(catalog.AlertClassErrorRate)
			hasSLO := len(s.SLOs) > 0
			switch {
			case hasSLO && !burn.Pages() && !rate.Pages():
				p.Report(burn.Pos.Or(rate.Pos).Or(s.Pos), s.Name,
					"service %s: alerting.alerts.burnPage is %s and errorRate is %s, so nobody is paged when its SLOs burn their budget fast: "+
						"keep burnPage enabled with severity \"critical\"", s.Name, describePolicy(burn), describePolicy(rate))
			case !hasSLO && !rate.Pages():
				p.Report(rate.Pos.Or(s.Pos), s.Name,
					"service %s has no SLO and alerting.alerts.errorRate is %s, so nobody is paged at any error rate: "+
						"keep errorRate enabled with severity \"critical\", or declare an SLO", s.Name, describePolicy(rate))
			}
		}
	},
}

func describePolicy(p catalog.AlertPolicy) string {
	if !p.Enabled {
		return "off"
	}
	return "a " + p.Severity
}

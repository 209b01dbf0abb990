package check

import (
	"github.com/svcgen/svcgen/compiler/diag"
)

var serviceNameDNS1035 = &Rule{
	ID:       "service-name-dns1035",
	Doc:      "a service name must start with a letter: Kubernetes Service names are DNS-1035 labels",
	Severity: diag.Error,
	Run: func(p *Pass) {
		for _, s := range p.Catalog.Services {
			if c := s.Name[0]; c >= '0' && c <= '9' {
				p.Report(s.Pos, "", "service %s: a Kubernetes Service name must start with a letter (a DNS-1035 label): rename it, e.g. to s%s", s.Name, s.Name)
			}
		}
	},
}

package check

import (
	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler/diag"
	"github.com/svcgen/svcgen/compiler/suggest"
)

var defaultReceiver = &Rule{
	ID:       "default-receiver",
	Doc:      "settings.alerting.defaultReceiver must name a declared team and one of its receivers",
	Severity: diag.Error,
	Run: func(p *Pass) {
		st := p.Catalog.Settings
		a := st.Alerting
		pos := st.Sources.Pos("alerting.defaultReceiver.team", st.Sources.Pos("alerting.defaultReceiver", st.Pos))
		t := p.Catalog.Team(a.DefaultTeam)
		if t == nil {
			p.Report(pos, "", "defaultReceiver: team %q is not declared under teams%s", a.DefaultTeam, suggest.DidYouMean(a.DefaultTeam, teamNames(p.Catalog)))
			return
		}
		if a.DefaultReceiver != "" && !t.Has(a.DefaultReceiver) {
			p.Report(st.Sources.Pos("alerting.defaultReceiver.receiver", pos), "",
				"defaultReceiver: team %s has no %s receiver (it has: %s)", t.Name, a.DefaultReceiver, kinds(t))
			return
		}
		if a.DefaultReceiver == "" && len(t.Kinds()) == 0 {
			p.Report(pos, "", "defaultReceiver: team %s has no receivers, so unrouted alerts would reach nobody", t.Name)
		}
	},
}

func kinds(t *catalog.Team) string {
	var names []string
	for _, k := range t.Kinds() {
		names = append(names, string(k))
	}
	return list(names)
}
